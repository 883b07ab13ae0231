using System.Text;
using LinxianWorkflow.Server.Features.Overview;
using LinxianWorkflow.Server.Resources;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// 统计概览: a township's or the county's proposals of one procedure (chosen when there are several) by township, step,
/// status, category and amount; overdue by township and village; time per step against the profile's deadlines; time from
/// start to end; disclosures closed on time and objections (for a procedure that discloses). Each chart with its table and
/// CSV. Counts only: no title or name of any proposal, so a people's mediation case is counted here without being shown.
/// </summary>
public sealed class OverviewModel(ISender sender, Names names, IStringLocalizer<PageText> text) : AppPageModel
{
    /// <summary>How many villages the overdue-by-village chart lists (those with the most overdue).</summary>
    public const int TopVillages = 30;

    [BindProperty(SupportsGet = true, Name = "township")]
    public string? Township { get; set; }

    [BindProperty(SupportsGet = true, Name = "procedure")]
    public string? Procedure { get; set; }

    public OverviewData Data { get; private set; } = null!;

    public IReadOnlyList<Chart> Charts { get; private set; } = [];

    /// <summary>What the overview covers, in words.</summary>
    public string AreaName => Data.AreaCode.Length == 0 ? text["AllTownships"] : names.Area(Data.AreaCode);

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>One chart's numbers as CSV (<c>/overview/csv?chart=steps</c>): the same cells as its table.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? chart)
    {
        await LoadAsync();
        return Charts.FirstOrDefault(c => c.Id == chart) is { } found
            ? File(Encoding.UTF8.GetBytes(found.Csv()), "text/csv; charset=utf-8", $"overview-{found.Id}.csv")
            : NotFound();
    }

    private async Task LoadAsync()
    {
        Data = await sender.Send(new GetOverview(Caller, string.IsNullOrWhiteSpace(Township) ? null : Township.Trim(),
            string.IsNullOrWhiteSpace(Procedure) ? null : Procedure.Trim()), HttpContext.RequestAborted);
        var key = Data.Procedure.Key;
        string Step(string id) => names.Step(id, key);
        var townships = Data.Choices.Count > 0 ? Data.Choices.Select(c => c.Code).ToList() : [Data.AreaCode];
        var order = Data.Steps.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var running = Data.Standing.Where(s => s.Status == "running").ToList();
        var count = (string)text["ColCount"];
        List<Chart> charts =
        [
            Counted("townships", text["ChartTownships"], text["ColTownship"],
                townships.Select(t => (names.Area(t), Data.Standing.Where(s => s.Township == t).Sum(s => s.N)))),
            Counted("steps", text["ChartSteps"], text["ColStep"], running.GroupBy(s => s.Step)
                .OrderBy(g => order.GetValueOrDefault(g.Key, int.MaxValue)).Select(g => (Step(g.Key), g.Sum(s => s.N)))),
            Counted("status", text["ChartStatus"], text["ColStatus"],
                running.Count == 0 ? [] : [(names.Option("running"), running.Sum(s => s.N))],
                Data.Standing.Where(s => s.Status != "running").GroupBy(s => s.Step).OrderByDescending(g => g.Sum(s => s.N)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => (Step(g.Key), g.Sum(s => s.N)))),
            Counted("categories", text["ChartCategories"], text["ColCategory"],
                Data.Standing.GroupBy(s => s.Category).OrderByDescending(g => g.Sum(s => s.N)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => (Data.Categories.TryGetValue(g.Key, out var c) ? L(c) : names.Category(g.Key), g.Sum(s => s.N)))),
            Counted("amounts", text["ChartAmounts"], text["ColAmount"],
                Enumerable.Range(0, OverviewQueries.AmountBandLimitsYuan.Count + 1).Select(b => (Band(b), Data.Standing.Where(s => s.Band == b).Sum(s => s.N)))),
            Counted("overdue-townships", text["ChartOverdueTownships"], text["ColTownship"],
                (Data.Choices.Count > 0 ? Data.Choices.Select(c => c.Code) : [Data.AreaCode])
                    .Select(t => (names.Area(t), Data.Overdue.Where(o => o.Township == t).Sum(o => o.N)))),
            Counted("overdue-villages", text["ChartOverdueVillages"], text["ColVillage"],
                Data.Overdue.OrderByDescending(o => o.N).ThenBy(o => o.Village, StringComparer.Ordinal).Take(TopVillages).Select(o => (names.Area(o.Village), o.N)),
                note: text["OverdueVillagesNote", TopVillages]),
            new Chart("step-times", text["ChartStepTimes"], [text["ColStep"], text["ColStays"], text["ColMedian"], text["ColP90"], text["ColDeadline"]],
                [.. Data.StepTimes.Select(t => new ChartRow(Step(t.StepId),
                    [Chart.Count(t.Count), Chart.Days(t.MedianDays), Chart.Days(t.P90Days), t.DeadlineDays is { } d ? (t.WorkingDays ? text["WorkingDays", d] : Chart.Count(d)) : ""],
                    [t.MedianDays, t.P90Days], t is { DeadlineDays: { } days, WorkingDays: false } ? days : null))],
                [text["ColMedian"], text["ColP90"]], text["StepTimesNote"], text["ColDeadline"]) { CsvHref = Csv("step-times") },
            new Chart("closing", text["ChartClosing"], [text["ColProcedure"], text["ColClosed"], text["ColMedian"], text["ColP90"]],
                Data.Closing.Count == 0 ? [] : [new ChartRow(L(Data.Procedure.Name),
                    [Chart.Count(Data.Closing.Count), Chart.Days(Data.Closing.MedianDays), Chart.Days(Data.Closing.P90Days)], [Data.Closing.MedianDays, Data.Closing.P90Days])],
                [text["ColMedian"], text["ColP90"]], text["ClosingNote"]) { CsvHref = Csv("closing") },
        ];
        if (Data.Discloses)
        {
            charts.AddRange(
            [
                new Chart("disclosures", text["ChartDisclosures"], [text["ColStep"], text["ColOnTime"], text["ColLate"], text["ColOnTimeShare"]],
                    [.. Data.Disclosures.Select(d => new ChartRow(Step(d.StepId),
                        [Chart.Count(d.OnTime), Chart.Count(d.Late), d.OnTime + d.Late == 0 ? "" : $"{100m * d.OnTime / (d.OnTime + d.Late):0}%"], [d.OnTime, d.Late]))],
                    [text["ColOnTime"], text["ColLate"]], text["DisclosuresNote", (int)Application.OverviewTally.CloseGrace.TotalDays]) { CsvHref = Csv("disclosures") },
                Counted("objections", text["ChartObjections"], text["ColObjection"], countLabel: text["ColNumber"], rows:
                    [(text["ObjectionLodged"], Data.Objections.Lodged), (text["ObjectionAnswered"], Data.Objections.Answered),
                        (text["ObjectionEscalated"], Data.Objections.Escalated), (text["ObjectionUpheld"], Data.Objections.Upheld)]),
            ]);
        }

        Charts = charts;

        Chart Counted(string id, string title, string label, IEnumerable<(string Label, long N)> rows, IEnumerable<(string Label, long N)>? more = null, string? note = null, string? countLabel = null) =>
            new(id, title, [label, countLabel ?? count], [.. rows.Concat(more ?? []).Select(r => new ChartRow(r.Label, [Chart.Count(r.N)], [r.N]))], [countLabel ?? count], note) { CsvHref = Csv(id) };
    }

    /// <summary>The CSV of one chart, for the township and procedure shown.</summary>
    private string Csv(string chart) => "/overview/csv" + QueryString.Create(
    [
        new("chart", chart),
        .. Data.Township is { } t ? [new KeyValuePair<string, string?>("township", t)] : Array.Empty<KeyValuePair<string, string?>>(),
        .. Data.Procedures.Count > 1 ? [new KeyValuePair<string, string?>("procedure", Data.Procedure.Id)] : Array.Empty<KeyValuePair<string, string?>>(),
    ]);

    private string Band(int band)
    {
        var limits = OverviewQueries.AmountBandLimitsYuan;
        return band == 0 ? text["BandBelow", Yuan(limits[0])]
            : band == limits.Count ? text["BandAbove", Yuan(limits[^1])]
            : text["BandBetween", Yuan(limits[band - 1]), Yuan(limits[band])];
    }

    private static string Yuan(long yuan) => yuan.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture);
}
