using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Http;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Features.Noticeboard;

public static class PublicEndpoints
{
    /// <summary>The published disclosures' queries (the noticeboard, its search, the notices; the log's proofs and open data read them too), and the contacts left with objections.</summary>
    public static void AddPublic(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DisclosureQueries>();
        builder.Services.AddSingleton<ObjectionContactQueries>();
    }

    /// <summary>An objection's body limit: 2,000 characters of text fit well inside it.</summary>
    public const int ObjectionBodyLimit = 16 * 1024;

    public static void MapPublic(this WebApplication app)
    {
        var pub = app.MapGroup("/api/public").AllowAnonymous().WithTags("Public");

        pub.MapGet("/villages/{code}/disclosures", async (string code, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new ListDisclosures(code), http.RequestAborted)))
        .Produces<IReadOnlyList<PublicDisclosure>>().WithSummary("A village's noticeboard (公开栏), no sign-in");

        pub.MapGet("/disclosures", async (string? q, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new SearchDisclosures(q ?? ""), http.RequestAborted)))
        .Produces<IReadOnlyList<FoundDisclosure>>().WithSummary("公开栏 search: the county's disclosures whose title contains q (two characters or more), newest first, at most 50, no sign-in");

        pub.MapGet("/log/checkpoint", async (AuditLog.LogQueries logStore, HttpContext http) =>
            await logStore.LatestCheckpointAsync(http.RequestAborted) is { } checkpoint
                ? Results.Text(checkpoint.Note, "text/plain; charset=utf-8")
                : throw ServerText.Problem(StatusCodes.Status404NotFound, "log.not-yet", "LogNotYet", "-", 0))
        .WithSummary("The log's latest signed checkpoint (C2SP signed note)");

        pub.MapGet("/log/key", (AuditLog.LogIdentity identity) => identity.Verifier is { } verifier
            ? Results.Text(verifier.ToString(), "text/plain; charset=utf-8")
            : throw ServerText.Problem(StatusCodes.Status404NotFound, "log.empty", "LogEmpty"))
            .WithSummary("The log's current verifier key (name+keyid+base64); every key it signed with: /api/public/log/keys");

        pub.MapPost("/proposals/{id}/objections", async (string id, [FromBody] ObjectionForm form, HttpContext http, ISender sender) =>
        {
            var receipt = await sender.Send(new LodgePublicObjection(id, form, http.Connection.RemoteIpAddress?.ToString() ?? "unknown"), http.RequestAborted);
            return Results.Json(receipt, Api.Json, statusCode: StatusCodes.Status201Created);
        })
        .WithMetadata(new BodyLimit(ObjectionBodyLimit)).Produces<ObjectionReceipt>(StatusCodes.Status201Created)
        .WithSummary("Lodge an objection to a posted disclosure, no sign-in (rate-limited per address)");

        pub.MapPost("/proposals/{id}/objections/{receipt}/escalate", async (string id, string receipt, [FromBody] EscalationForm form, HttpContext http, ISender sender) =>
        {
            var escalated = await sender.Send(new EscalatePublicObjection(id, receipt, form, http.Connection.RemoteIpAddress?.ToString() ?? "unknown"), http.RequestAborted);
            return Results.Json(escalated, Api.Json, statusCode: StatusCodes.Status201Created);
        })
        .WithMetadata(new BodyLimit(ObjectionBodyLimit)).Produces<EscalationReceipt>(StatusCodes.Status201Created)
        .WithSummary("Take a dismissed objection to the township with its receipt number, no sign-in, within the county's window");
    }
}
