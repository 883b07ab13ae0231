using System.Globalization;
using System.Text;
using System.Text.Json;
using LinxianWorkflow.Audit;

namespace LinxianWorkflow.Server.Features.Audit;

/// <summary>
/// The dossier and the open data for people rather than the verifier: CSV (UTF-8 with a byte-order mark so
/// spreadsheet programs read the Chinese; RFC 4180 quoting; cells that a spreadsheet would run as a formula
/// prefixed with an apostrophe). The printable dossier is a page (Pages/Proposals/Dossier.cshtml).
/// </summary>
public static class DossierRendering
{
    private const string Bom = "\uFEFF";

    public static readonly string[] DossierColumns =
        ["proposal_id", "seq", "type", "at_utc", "actor_id", "actor_name", "actor_role", "step_id", "hash", "previous_hash", "log_position", "data_json"];

    public static string Csv(Dossier dossier)
    {
        var csv = new StringBuilder(Bom);
        Row(csv, DossierColumns);
        foreach (var e in dossier.Events)
        {
            var r = Read(e.RecordText);
            Row(csv, [dossier.ProposalId, Invariant(e.Sequence), r.Type, r.At, r.ActorId, r.ActorName, r.Role, r.Step, e.Hash, e.PreviousHash, Invariant(e.Position), r.Data]);
        }

        return csv.ToString();
    }

    public static readonly string[] OpenDataColumns =
        ["proposal_id", "village_code", "title", "notice_text", "channels", "period_days", "published_at_utc", "closable_from_utc", "closed_at_utc",
         "event_seq", "event_hash", "log_position", "checkpoint_size", "proof_url"];

    /// <summary>The open data as CSV, written row by row as the rows arrive (the export never holds the whole table).</summary>
    public static async Task WriteOpenDataCsvAsync(IAsyncEnumerable<OpenDataRow> rows, TextWriter writer, CancellationToken ct)
    {
        var csv = new StringBuilder(Bom);
        Row(csv, OpenDataColumns);
        await foreach (var (d, village) in rows.WithCancellation(ct))
        {
            Row(csv, [d.ProposalId, village, d.Title, d.NoticeText, d.Channels, Invariant(d.PeriodDays), Time(d.PublishedAt), Time(d.ClosableFrom),
                d.ClosedAt is { } c ? Time(c) : "", Invariant(d.EventSequence), d.EventHash, d.LogPosition is { } p ? Invariant(p) : "",
                d.CheckpointSize is { } s ? Invariant(s) : "", d.ProofUrl ?? ""]);
            if (csv.Length >= 16 * 1024)
            {
                await writer.WriteAsync(csv, ct);
                csv.Clear();
            }
        }

        await writer.WriteAsync(csv, ct);
        await writer.FlushAsync(ct);
    }

    private sealed record RecordFields(string Type, string At, string ActorId, string ActorName, string Role, string Step, string Data);

    private static RecordFields Read(string record)
    {
        try
        {
            using var document = JsonDocument.Parse(record);
            var root = document.RootElement;
            var actor = root.TryGetProperty("actor", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
            var data = root.TryGetProperty("data", out var d) ? d : default;
            return new RecordFields(
                Text(root, "type"), Text(root, "at"), Text(actor, "id"), Text(actor, "name"), Text(actor, "role"),
                Text(data, "stepId"), data.ValueKind == JsonValueKind.Undefined ? "" : data.GetRawText());
        }
        catch (JsonException)
        {
            return new RecordFields("?", "", "", "", "", "", record);
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";

    private static string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Any table as CSV the same way: UTF-8 with BOM, RFC 4180 quoting, formula-like cells neutralised.</summary>
    public static string Csv(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var csv = new StringBuilder(Bom);
        Row(csv, header);
        foreach (var row in rows)
        {
            Row(csv, row);
        }

        return csv.ToString();
    }

    /// <summary>A cell a spreadsheet would run as a formula (= + - @, tab, CR at the start), prefixed with an apostrophe.</summary>
    public static string Neutralised(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static void Row(StringBuilder csv, IEnumerable<string> cells)
    {
        csv.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");
    }

    private static string Cell(string value)
    {
        // A leading = + - @ (or tab/CR) makes spreadsheets evaluate the cell: neutralise it (OWASP CSV injection).
        value = Neutralised(value);

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
