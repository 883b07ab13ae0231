using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Identity;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Features.Audit;

public static class AuditEndpoints
{
    public static void MapAudit(this WebApplication app)
    {
        var pub = app.MapGroup("/api/public").AllowAnonymous().WithTags("Public");

        pub.MapGet("/log/consistency", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetConsistency(Api.QueryNumber(http.Request, "from") ?? 0, Api.QueryNumber(http.Request, "to")), http.RequestAborted)))
        .Produces<ConsistencyView>().WithSummary("Proof that the log of size ?from is a prefix of the checkpoint of size ?to (default: the latest)");

        pub.MapGet("/log/keys", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new ListLogKeys(), http.RequestAborted)))
        .Produces<IReadOnlyList<LogKeyView>>().WithSummary("Every key the log signed with, oldest first: the sizes each signs and the hand-over its predecessor signed");

        pub.MapGet("/log/witnessed", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new ListWitnessed(), http.RequestAborted)))
        .Produces<IReadOnlyList<WitnessedView>>().WithSummary("Each township's newest co-signed checkpoint");

        pub.MapGet("/proposals/{id}/events/{seq:int}/proof", async (string id, int seq, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetDisclosureProof(id, seq), http.RequestAborted)))
        .Produces<EventProof>().WithSummary("The inclusion proof of an event that published a disclosure");

        pub.MapGet("/open-data/disclosures.csv", async (HttpContext http, ISender sender) =>
        {
            // Streamed: the rows are read and written a few at a time, however many disclosures the deployment holds.
            var rows = await sender.Send(new ExportOpenData(), http.RequestAborted);
            http.Response.ContentType = "text/csv; charset=utf-8";
            await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false), leaveOpen: true);
            await DossierRendering.WriteOpenDataCsvAsync(rows, writer, http.RequestAborted);
        })
        .Produces<string>(StatusCodes.Status200OK, "text/csv")
        .WithSummary("Open data: every published disclosure (columns described at /api/public/open-data/README.md)");

        pub.MapGet("/open-data/README.md", () =>
        {
            using var stream = typeof(AuditEndpoints).Assembly.GetManifestResourceStream("open-data.md")!;
            using var reader = new StreamReader(stream);
            return Results.Text(reader.ReadToEnd(), "text/markdown; charset=utf-8");
        })
        .WithSummary("What each open-data column means");

        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Audit");

        api.MapGet("/log/entries", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new ExportLog(http.Caller()), http.RequestAborted)))
        .Produces<LogExport>().WithSummary("The whole log with every event record, for `linxian verify-log` (county auditors, administrators)");

        api.MapGet("/witness/checkpoint", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetWitnessRequest(http.Caller(), http.Request.Query["township"].FirstOrDefault()), http.RequestAborted)))
        .Produces<WitnessRequest>().WithSummary("The newest checkpoint and the proof it extends the last one your township co-signed (township reviewers)");

        api.MapPost("/witness/cosignatures", async ([FromBody] CoSignature cosignature, HttpContext http, ISender sender) =>
        {
            return Results.Json(await sender.Send(new CoSignCheckpoint(http.Caller(), cosignature), http.RequestAborted), Api.Json, statusCode: StatusCodes.Status201Created);
        })
        .WithMetadata(new BodyLimit(16 * 1024)).Produces<WitnessedView>(StatusCodes.Status201Created)
        .WithSummary("Hand in the checkpoint with your township's witness signature added (`linxian witness`)");

        api.MapPost("/witness/restarts", async ([FromBody] CoSignature cosignature, HttpContext http, ISender sender) =>
        {
            return Results.Json(await sender.Send(new AcceptRestart(http.Caller(), cosignature), http.RequestAborted), Api.Json, statusCode: StatusCodes.Status201Created);
        })
        .WithMetadata(new BodyLimit(16 * 1024)).Produces<WitnessRestartView>(StatusCodes.Status201Created)
        .WithSummary("Accept the log's restart after a restore: hand in its key hand-over with your township's witness signature added (`linxian witness`)");

        api.MapPost("/admin/witnesses", async ([FromBody] WitnessRegistration registration, HttpContext http, ISender sender) =>
        {
            return Api.Ok(await sender.Send(new RegisterWitness(http.Caller(), registration), http.RequestAborted));
        })
        .WithMetadata(new BodyLimit(4096)).Produces<WitnessRegistration>()
        .WithSummary("Register a township's witness verifier key (administrators)");
    }
}
