using System.Globalization;
using System.Text.Json;
using Dapper;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Audit;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>
/// 台账: one row per proposal of one procedure the caller may read, filtered like the search, with readable columns (township and
/// village by name, category in words, amount, the date each step of the main path was entered, status, outcome,
/// days taken, overdue). Read page by page and capped at <see cref="ExportLedgerHandler.MaxRows"/> rows, which the last row says when hit.
/// </summary>
public sealed record ExportLedger(Caller Caller, ProposalFilter Filter) : IQuery<Ledger>, ICallerMessage;

/// <summary>A table: its header and its rows, every cell text (numbers written invariantly).</summary>
public sealed record Ledger(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>The ledger as CSV (UTF-8 with BOM, formula-like cells neutralised).</summary>
    public string Csv() => DossierRendering.Csv(Header, Rows);

    /// <summary>The ledger as an .xlsx workbook (one sheet, 台账), cells neutralised the same way as the CSV.</summary>
    public async Task<byte[]> XlsxAsync(CancellationToken ct)
    {
        var sheet = Rows.Select(row => (IDictionary<string, object>)Header.Select((h, i) => (h, (object)DossierRendering.Neutralised(row[i])))
            .ToDictionary(x => x.h, x => x.Item2)).ToList();
        using var stream = new MemoryStream();
        await MiniExcelLibs.MiniExcel.SaveAsAsync(stream, sheet, sheetName: "台账", cancellationToken: ct);
        return stream.ToArray();
    }
}

public sealed class ExportLedgerHandler(Database store, ProposalQueries proposals, WorkflowLibrary library, AreaRegistry areas, TimeProvider time) : IQueryHandler<ExportLedger, Ledger>
{
    public const int MaxRows = 5000;
    private const int Page = 200;

    public async ValueTask<Ledger> Handle(ExportLedger query, CancellationToken cancellationToken)
    {
        // One procedure's proposals (?procedure=, by default the one new proposals start on), its columns from its newest
        // version (older versions' steps appear under the same names): a people's mediation case never lands in the 四议两公开 台账.
        var definition = library.ForNewProposal(query.Caller.ReadScopes.FirstOrDefault() ?? "", query.Filter.Procedure).Definition;
        var filter = query.Filter with { Procedure = definition.Id };
        var steps = definition.MainPath.Where(s => definition.Step(s).Kind != Engine.Definitions.StepKind.End).ToList();
        var categories = library.Catalog.Profiles.Values.SelectMany(p => p.Categories.Values).GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First().Name.Zh);
        var header = new List<string> { "序号", "议题编号", "乡镇", "村（社区）", "议题名称", "类别", "金额（元）", "发起日期" };
        header.AddRange(steps.Select(s => definition.Step(s).Name.Zh));
        header.AddRange(["状态", "结果", "当前环节", "用时（天）", "是否超期"]);

        var now = time.GetUtcNow();
        var rows = new List<IReadOnlyList<string>>();
        var truncated = false;
        for (var offset = 0; ; offset += Page)
        {
            var page = await proposals.ListAsync(filter with { Limit = Page, Offset = offset }, query.Caller.ReadScopes, library.PrivateScopes(query.Caller), cancellationToken);
            var entered = await EnteredAsync(page.Select(p => p.Id).ToList(), cancellationToken);
            foreach (var p in page)
            {
                if (rows.Count == MaxRows)
                {
                    truncated = true;
                    break;
                }

                var started = p.StartedAt;
                var days = ((p.Status == "ended" ? p.UpdatedAt : now) - started).TotalDays;
                var row = new List<string>
                {
                    (rows.Count + 1).ToString(CultureInfo.InvariantCulture), p.Id, areas.ShortName(p.TownshipCode), areas.ShortName(p.VillageCode), p.Title,
                    categories.GetValueOrDefault(p.Category, p.Category), (p.AmountFen / 100m).ToString("0.00", CultureInfo.InvariantCulture), Date(started),
                };
                row.AddRange(steps.Select(s => entered.TryGetValue((p.Id, s), out var at) ? Date(at) : ""));
                row.AddRange([
                    p.Status == "ended" ? "已结束" : "办理中",
                    p.Result is { } r ? Result(r) : "",
                    definition.StepsById.TryGetValue(p.CurrentStep, out var current) ? current.Name.Zh : p.CurrentStep,
                    Math.Floor(days).ToString(CultureInfo.InvariantCulture),
                    p.Overdue ? "是" : "否",
                ]);
                rows.Add(row);
            }

            if (truncated || page.Count < Page)
            {
                break;
            }
        }

        if (truncated)
        {
            rows.Add([.. header.Select((_, i) => i == 4 ? $"（只导出前 {MaxRows} 条，请缩小查询范围）" : "")]);
        }

        return new Ledger(header, rows);
    }

    // When each proposal first entered each step (China date), from the StepEntered events of one page of proposals.
    private async Task<Dictionary<(string, string), DateTimeOffset>> EnteredAsync(List<string> ids, CancellationToken ct)
    {
        var entered = new Dictionary<(string, string), DateTimeOffset>();
        if (ids.Count == 0)
        {
            return entered;
        }

        await using var connection = await store.OpenAsync(ct);
        var records = await connection.QueryAsync<(string InstanceId, string Record)>(new CommandDefinition(
            $"SELECT instance_id, record FROM events WHERE type = 'StepEntered' AND {store.AnyOf("instance_id", "ids")} ORDER BY instance_id, seq",
            new { ids = ids.ToArray() }, cancellationToken: ct));
        foreach (var (id, record) in records)
        {
            using var json = JsonDocument.Parse(record);
            var step = json.RootElement.GetProperty("data").GetProperty("stepId").GetString()!;
            var at = json.RootElement.GetProperty("at").GetDateTimeOffset();
            entered.TryAdd((id, step), at);
        }

        return entered;
    }

    private static string Date(DateTimeOffset at) => Engine.Time.ChinaTime.DateOf(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Result(string result) => result switch
    {
        "archived" => "归档",
        "terminated" => "终止",
        _ => result,
    };
}
