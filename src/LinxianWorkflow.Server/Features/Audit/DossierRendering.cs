using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LinxianWorkflow.Audit;

namespace LinxianWorkflow.Server.Features.Audit;

/// <summary>
/// The dossier and the open data for people rather than the verifier: CSV (UTF-8 with a byte-order mark so
/// spreadsheet programs read the Chinese; RFC 4180 quoting; cells that a spreadsheet would run as a formula
/// prefixed with an apostrophe) and a printable HTML page, every user-supplied text encoded.
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

    public static string OpenDataCsv(IEnumerable<OpenDataRow> rows)
    {
        var csv = new StringBuilder(Bom);
        Row(csv, OpenDataColumns);
        foreach (var (d, village) in rows)
        {
            Row(csv, [d.ProposalId, village, d.Title, d.NoticeText, d.Channels, Invariant(d.PeriodDays), Time(d.PublishedAt), Time(d.ClosableFrom),
                d.ClosedAt is { } c ? Time(c) : "", Invariant(d.EventSequence), d.EventHash, d.LogPosition is { } p ? Invariant(p) : "",
                d.CheckpointSize is { } s ? Invariant(s) : "", d.ProofUrl ?? ""]);
        }

        return csv.ToString();
    }

    public static string Html(Dossier dossier)
    {
        var checkpoint = SignedNote.UnverifiedText(dossier.Checkpoint) is { } text ? Checkpoint.Parse(text) : null;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>议题档案 {{E(dossier.ProposalId)}}</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; margin: 1.5rem; color: #111; }
            table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
            th, td { border: 1px solid #555; padding: 0.3rem; vertical-align: top; text-align: left; }
            code { font-size: 0.75rem; word-break: break-all; }
            pre { white-space: pre-wrap; font-size: 0.75rem; }
            @page { size: A4; margin: 15mm; }
            @media print { body { margin: 0; } }
            </style></head><body>
            <h1>议题档案 / Dossier：{{E(dossier.ProposalId)}}</h1>
            <p>共 {{dossier.Events.Count}} 条记录，公开日志检查点：{{(checkpoint is null ? "无" : E(checkpoint.Origin) + "，" + checkpoint.Size.ToString(CultureInfo.InvariantCulture) + " 条")}}。
            核验方法：<code>linxian verify dossier.json 日志公钥</code>（见 docs/audit.md）。</p>
            <p lang="en">{{dossier.Events.Count}} events; log checkpoint: {{(checkpoint is null ? "none" : E(checkpoint.Origin) + ", size " + checkpoint.Size.ToString(CultureInfo.InvariantCulture))}}.
            To verify: <code>linxian verify dossier.json &lt;log key&gt;</code> (docs/audit.md).</p>
            <table><thead><tr><th>序号 No.</th><th>时间（UTC）Time</th><th>事件 Event</th><th>经办人 Actor</th><th>环节 Step</th><th>哈希 / 日志位置 Hash / log position</th></tr></thead><tbody>

            """);
        foreach (var e in dossier.Events)
        {
            var r = Read(e.RecordText);
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{e.Sequence}</td><td>{E(r.At)}</td><td>{E(r.Type)}</td><td>{E(r.ActorName)}（{E(r.Role)}）</td><td>{E(r.Step)}</td><td><code>{E(e.Hash)}</code><br>#{e.Position}</td></tr>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $$"""
            </tbody></table>
            <h2>签名检查点 / Signed checkpoint</h2>
            <pre>{{E(dossier.Checkpoint)}}</pre>
            </body></html>

            """);
        return html.ToString();
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

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder csv, IEnumerable<string> cells)
    {
        csv.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");
    }

    private static string Cell(string value)
    {
        // A leading = + - @ (or tab/CR) makes spreadsheets evaluate the cell: neutralise it (OWASP CSV injection).
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
