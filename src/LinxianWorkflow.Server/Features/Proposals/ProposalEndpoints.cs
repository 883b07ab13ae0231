using System.Globalization;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Identity;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Features.Proposals;

public static class ProposalEndpoints
{
    /// <summary>The proposals' own queries (the list, the ledger and the inbox).</summary>
    public static void AddProposals(this WebApplicationBuilder builder) => builder.Services.AddSingleton<ProposalQueries>();

    public static void MapProposals(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Proposals");

        api.MapPost("/proposals", async ([FromBody] NewProposal body, HttpContext http, ISender sender) =>
        {
            var result = await sender.Send(new StartProposal(http.Caller(), body, Api.IdempotencyKey(http.Request)), http.RequestAborted);
            http.Response.Headers.ETag = $"\"{result.Version}\"";
            return Results.Json(result, Api.Json, statusCode: StatusCodes.Status201Created);
        })
        .WithMetadata(new BodyLimit(Api.DefaultBodyLimit)).Produces<ActionRecorded>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .WithSummary("Start a proposal (议题受理)");

        api.MapGet("/proposals", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new ListProposals(http.Caller(), Filter(http.Request.Query)), http.RequestAborted)))
        .Produces<IReadOnlyList<ProposalSummary>>()
        .WithSummary("List proposals: village, township, status, step, overdue, category, minAmount, maxAmount, from, to, actor (a user name or id who acted on it), limit, offset");

        api.MapGet("/proposals/{id}", async (string id, HttpContext http, ISender sender) =>
        {
            var view = await sender.Send(new GetProposal(http.Caller(), id), http.RequestAborted);
            http.Response.Headers.ETag = $"\"{view.Version}\"";
            return Api.Ok(view);
        })
        .Produces<ProposalView>().WithSummary("A proposal: state, current step, dates due, the caller's actions");

        api.MapGet("/proposals/{id}/history", async (string id, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetHistory(http.Caller(), id), http.RequestAborted)))
        .Produces<HistoryView>().WithSummary("A proposal's events, hash by hash");

        // One endpoint per action, its body the engine command it names: the OpenAPI document shows each one's schema.
        var mapAction = typeof(ProposalEndpoints).GetMethod(nameof(MapAction), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        foreach (var (action, type) in ActionCatalog.Commands.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            mapAction.MakeGenericMethod(type).Invoke(null, [api, action]);
        }

        // What the routes above do not take: a known action sent as anything but JSON (415), or an unknown one (400, listing them).
        api.MapPost("/proposals/{id}/actions/{action}", IResult (string action) => throw (ActionCatalog.Commands.ContainsKey(action)
            ? ServerText.Problem(StatusCodes.Status415UnsupportedMediaType, "input.content-type", "BodyContentType")
            : ServerText.Problem(StatusCodes.Status400BadRequest, "action.unknown", "ActionUnknown", action, string.Join(", ", ActionCatalog.Commands.Keys.Order(StringComparer.Ordinal)))))
        .ExcludeFromDescription();

        api.MapGet("/proposals/{id}/events/{seq:int}/proof", async (string id, int seq, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetEventProof(http.Caller(), id, seq), http.RequestAborted)))
        .Produces<EventProof>().WithSummary("An event's place in the Merkle log and its inclusion proof against the latest signed checkpoint");

        api.MapGet("/proposals/{id}/dossier", async (string id, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new ExportDossier(http.Caller(), id, Api.QueryNumber(http.Request, "since")), http.RequestAborted)))
        .Produces<LinxianWorkflow.Audit.Dossier>()
        .WithSummary("The proposal's dossier: records, chain hashes, log proofs, the signed checkpoint and witnessed ones, for independent verification (?since=N adds the proof it extends your checkpoint of size N)");

        api.MapGet("/proposals/ledger.csv", async (HttpContext http, ISender sender) =>
            Results.Text((await sender.Send(new ExportLedger(http.Caller(), Filter(http.Request.Query)), http.RequestAborted)).Csv(), "text/csv; charset=utf-8"))
        .WithSummary("台账 as CSV: one row per proposal the caller may read, filtered like GET /api/proposals (limit and offset ignored; at most 5,000 rows)");

        api.MapGet("/proposals/ledger.xlsx", async (HttpContext http, ISender sender) =>
        {
            var ledger = await sender.Send(new ExportLedger(http.Caller(), Filter(http.Request.Query)), http.RequestAborted);
            var name = $"台账-{Engine.Time.ChinaTime.DateOf(DateTimeOffset.UtcNow):yyyy-MM-dd}.xlsx";
            return Results.File(await ledger.XlsxAsync(http.RequestAborted), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
        })
        .WithSummary("台账 as an Excel workbook, the same rows as ledger.csv");

        api.MapGet("/proposals/{id}/dossier.csv", async (string id, HttpContext http, ISender sender) =>
            Results.Text(Features.Audit.DossierRendering.Csv(await sender.Send(new ExportDossier(http.Caller(), id), http.RequestAborted)), "text/csv; charset=utf-8"))
        .WithSummary("The dossier as CSV: one row per event (UTF-8 with BOM, opens in spreadsheet programs)");

        // The printable dossier is a page now (Pages/Proposals/Dossier.cshtml); the old address leads there.
        api.MapGet("/proposals/{id}/dossier.html", (string id) => Results.Redirect($"/proposals/{Uri.EscapeDataString(id)}/dossier", permanent: true))
        .WithSummary("The dossier as a printable page: a permanent redirect to /proposals/{id}/dossier (sign in to the pages)");

        api.MapGet("/proposals/{id}/verification", async (string id, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new Features.Audit.VerifyProposal(http.Caller(), id), http.RequestAborted)))
        .Produces<Features.Audit.VerificationView>().WithSummary("The server's own check of the proposal's record against the signed log (the offline tool checks the same without trusting us)");

        api.MapPost("/proposals/{id}/attachments", async (string id, HttpContext http, ISender sender) =>
        {
            var (stepId, fileName, content, description) = await ReadUploadAsync(http);
            var result = await sender.Send(new AttachDocumentUpload(http.Caller(), id, stepId, fileName, content, description), http.RequestAborted);
            return Results.Json(result, Api.Json, statusCode: StatusCodes.Status201Created);
        })
        .DisableAntiforgery().Accepts<IFormFile>("multipart/form-data").Produces<ActionRecorded>(StatusCodes.Status201Created)
        .WithSummary("Attach a document (PDF, JPEG, PNG; ≤ 10 MiB) to the current step: multipart form with file, stepId, description");

        api.MapGet("/proposals/{id}/attachments/{sha256}", async (string id, string sha256, HttpContext http, ISender sender) =>
        {
            var (row, fileName) = await sender.Send(new GetAttachment(http.Caller(), id, sha256), http.RequestAborted);
            return Results.File(row.Content, row.MediaType, fileName);
        })
        .WithSummary("Download an attached document (it is the file whose SHA-256 the history records)");

        api.MapDelete("/proposals/{id}/objection-contacts", async (string id, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new Noticeboard.EraseObjectionContacts(http.Caller(), id), http.RequestAborted)))
        .Produces<Noticeboard.ContactsErased>().ProducesProblem(StatusCodes.Status409Conflict)
        .WithSummary("Erase the contacts objectors left on an ended proposal (PIPL; the area's administrator); the history keeps only their commitments and still verifies");

        api.MapGet("/inbox", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetInbox(http.Caller()), http.RequestAborted)))
        .Produces<IReadOnlyList<InboxItem>>().WithSummary("What waits for me");

        api.MapGet("/notifications", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetNotifications(http.Caller()), http.RequestAborted)))
        .Produces<IReadOnlyList<NotificationView>>().WithSummary("Reminders, missed deadlines and escalations for me");
    }

    /// <summary>POST /api/proposals/{id}/actions/<paramref name="action"/>, its body read as <typeparamref name="TCommand"/>.</summary>
    private static void MapAction<TCommand>(RouteGroupBuilder api, string action)
        where TCommand : Engine.Instances.WorkflowCommand =>
        api.MapPost($"/proposals/{{id}}/actions/{action}", async Task<Ok<ActionRecorded>> (string id, [FromBody] TCommand command, HttpContext http, ISender sender) =>
        {
            var result = await sender.Send(
                new ActOnProposal(http.Caller(), id, action, command, Api.ExpectedVersion(http.Request), Api.IdempotencyKey(http.Request)),
                http.RequestAborted);
            http.Response.Headers.ETag = $"\"{result.Version}\"";
            return TypedResults.Ok(result);
        })
        .WithName(action).WithMetadata(new BodyLimit(Api.DefaultBodyLimit))
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .WithSummary($"Act on a proposal: {action} (the engine's {typeof(TCommand).Name}); If-Match: \"version\"; Idempotency-Key");

    /// <summary>A multipart upload: the file (up to 10 MiB plus the form), its step and description.</summary>
    public static async Task<(string StepId, string FileName, byte[] Content, string? Description)> ReadUploadAsync(HttpContext http)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = Engine.Instances.Limits.AttachmentBytes + (64 * 1024);
        }

        if (!http.Request.HasFormContentType)
        {
            throw ServerText.Problem(StatusCodes.Status415UnsupportedMediaType, "input.content-type", "BodyContentType");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // Cut short, a boundary missing, a part too long: the upload is not a form we can read.
            throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.multipart", "MultipartBroken");
        }

        var file = form.Files.GetFile("file") ?? throw ServerText.Problem(StatusCodes.Status400BadRequest, "attachment.missing", "AttachmentMissing");
        if (file.Length > Engine.Instances.Limits.AttachmentBytes)
        {
            throw ServerText.Problem(StatusCodes.Status413PayloadTooLarge, "attachment.size", "BodyTooLarge", Engine.Instances.Limits.AttachmentBytes);
        }

        TextInput.Check("stepId", form["stepId"].ToString());
        TextInput.Check("description", form["description"].ToString());
        TextInput.Check("file", file.FileName);
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, http.RequestAborted);
        return (form["stepId"].ToString(), file.FileName, buffer.ToArray(), form["description"].ToString());
    }

    internal static ProposalFilter Filter(IQueryCollection query)
    {
        string? Text(string name)
        {
            if (!query.TryGetValue(name, out var v) || v.ToString() is not { Length: > 0 } s)
            {
                return null;
            }

            TextInput.Check(name, s);
            return s.Length <= 64 ? s : throw Invalid(name, "≤ 64 characters");
        }

        T? Parse<T>(string name, Func<string, T?> parse, string expected) where T : struct =>
            Text(name) is { } s ? parse(s) ?? throw Invalid(name, expected) : null;

        var status = Text("status");
        if (status is not null and not ("running" or "ended"))
        {
            throw Invalid("status", "running | ended");
        }

        return new ProposalFilter(
            Village: Text("village"),
            Township: Text("township"),
            Status: status,
            Step: Text("step"),
            Overdue: Parse("overdue", s => bool.TryParse(s, out var b) ? b : (bool?)null, "true | false"),
            Category: Text("category"),
            MinAmountFen: Parse("minAmount", Fen, "amount in yuan"),
            MaxAmountFen: Parse("maxAmount", Fen, "amount in yuan"),
            From: Parse("from", Date, "yyyy-MM-dd"),
            To: Parse("to", Date, "yyyy-MM-dd"),
            Actor: Text("actor"),
            Procedure: Text("procedure"),
            Limit: Parse("limit", s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 200 ? n : (int?)null, "1..200") ?? 50,
            Offset: Parse("offset", s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000 ? n : (int?)null, "0..100000") ?? 0);
    }

    private static long? Fen(string s) =>
        decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan) && yuan <= Engine.Instances.Limits.MaxYuan
            ? (long)decimal.Round(yuan * 100m)
            : null;

    /// <summary>A China-time calendar date, as the start of that day.</summary>
    private static DateTimeOffset? Date(string s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? Engine.Time.ChinaTime.StartOf(date) : null;

    private static ProblemException Invalid(string name, string expected) =>
        ServerText.Problem(StatusCodes.Status400BadRequest, "input.query", "QueryInvalid", name, expected);
}
