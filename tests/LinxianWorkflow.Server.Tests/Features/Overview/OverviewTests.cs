using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using LinxianWorkflow.Server.Features.Overview;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Overview;

/// <summary>
/// The overview against a hand-counted fixture: four proposals of 城庄村 in 城庄镇, a township the demo leaves empty, taken
/// through the API to where their numbers are known (archived with objections on the way, stopped at the party members'
/// review, declined at intake, overdue at intake). Its reviewer sees exactly those; 碛口镇's reviewer none of them; a
/// village secretary is refused. Every chart's CSV holds the cells of its table. Once on SQLite and once on PostgreSQL.
/// </summary>
public abstract class OverviewTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture
{
    private const string Township = "141124102"; // 城庄镇
    private const string VillagePath = "141124/141124102/141124102200"; // 城庄村

    [Fact]
    public async Task The_overview_counts_a_hand_counted_township_and_shows_it_only_to_those_who_may_see_it()
    {
        var ids = await FixtureAsync();

        using var reviewer = new PageSession(service.Server.Url);
        await reviewer.SignInAsync("cz-reviewer");
        var page = await reviewer.GetAsync("/overview");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("城庄镇", page.Document.QuerySelector("main p")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.Document.QuerySelector("select[name=township]")); // one township: nothing to choose

        // Counted by hand: P1 archived (public welfare, ¥48,000), P2 at the party members' review (collective income, ¥120,000),
        // P3 overdue at intake (public welfare, ¥5,000), P4 declined at intake (land contracting, ¥2,000,000).
        Assert.Equal(Rows(("议题受理", "1"), ("党员大会审议", "1")), Table(page.Document, "steps"));
        Assert.Equal(Rows(("办理中", "2"), ("归档", "1"), ("不予受理", "1")), Table(page.Document, "status"));
        Assert.Equal(Rows(("公益事业兴办", "2"), ("集体经济收益使用", "1"), ("土地承包方案", "1")), Table(page.Document, "categories"));
        Assert.Equal(Rows(("10,000 元以下", "1"), ("10,000 至 50,000 元", "1"), ("50,000 至 200,000 元", "1"), ("200,000 至 1,000,000 元", "0"), ("1,000,000 元及以上", "1")),
            Table(page.Document, "amounts"));
        Assert.Equal(Rows(("城庄镇", "1")), Table(page.Document, "overdue-townships"));
        Assert.Equal(Rows(("城庄镇", "4")), Table(page.Document, "townships"));
        // P1 and P4 ended: the time from start to end counts both.
        Assert.Equal(["四议两公开", "2"], Table(page.Document, "closing").Single().Take(2));
        Assert.Equal(Rows(("城庄镇城庄村", "1")), Table(page.Document, "overdue-villages"));
        // Two objections lodged and answered by the committee; one taken to the township, which upheld it.
        Assert.Equal(Rows(("村民提出", "2"), ("村委会已答复", "2"), ("提交乡镇", "1"), ("异议成立", "1")), Table(page.Document, "objections"));
        // The resolution's second disclosure (after the re-vote) closed on time; the result's closed 4 days after its period.
        Assert.Equal(Rows(("决议公开", "1", "0", "100%"), ("实施结果公开", "0", "1", "0%")), Table(page.Document, "disclosures"));

        // Days per step: worked out here from the histories themselves, each stay from its StepEntered to the next.
        Assert.Equal(await StepTimesAsync(ids), Table(page.Document, "step-times").Select(r => r.Take(4).ToList()).ToList());
        var deadlines = Table(page.Document, "step-times").ToDictionary(r => r[0], r => r[4]);
        Assert.Equal("10", deadlines["议题受理"]);
        Assert.Equal("", deadlines["党员大会审议"]);

        // Every chart: an SVG image with its title, a table with its caption, and a CSV of the same cells.
        var charts = page.Document.QuerySelectorAll("section.chart").ToList();
        Assert.Equal(11, charts.Count);
        foreach (var chart in charts)
        {
            var title = chart.QuerySelector("h2")!.TextContent;
            var svg = chart.QuerySelector("svg[role=img]")!;
            Assert.Equal(title, svg.QuerySelector("title")!.TextContent);
            Assert.Equal(svg.QuerySelector("title")!.Id, svg.GetAttribute("aria-labelledby"));
            var table = chart.QuerySelector("table")!;
            Assert.Equal(title, table.QuerySelector("caption")!.TextContent);
            var csv = Csv(await reviewer.GetBytesAsync(chart.QuerySelector("p.exports a")!.GetAttribute("href")!));
            var cells = new[] { table.QuerySelectorAll("thead th").Select(c => c.TextContent).ToList() }
                .Concat(table.QuerySelectorAll("tbody tr").Select(r => r.Children.Select(c => c.TextContent).ToList())).ToList();
            Assert.Equal(cells, csv);
        }

        // The county's auditor narrowed to 城庄镇 sees the same tables; another township's reviewer sees none of it.
        using var auditor = new PageSession(service.Server.Url);
        await auditor.SignInAsync("auditor");
        var county = await auditor.GetAsync("/overview");
        Assert.Equal(23, county.Document.QuerySelectorAll("select[name=township] option[value]:not([value=''])").Length);
        Assert.Equal(23, Table(county.Document, "overdue-townships").Count);
        var narrowed = await auditor.GetAsync("/overview?township=" + Township);
        foreach (var chart in new[] { "steps", "status", "categories", "amounts", "overdue-villages", "step-times", "closing", "disclosures", "objections" })
        {
            Assert.Equal(Table(page.Document, chart), Table(narrowed.Document, chart));
        }

        using var other = new PageSession(service.Server.Url);
        await other.SignInAsync("reviewer-109");
        var qikou = await other.GetAsync("/overview");
        Assert.Equal(Rows(("碛口镇", Table(qikou.Document, "overdue-townships").Single()[1])), Table(qikou.Document, "overdue-townships"));
        Assert.DoesNotContain("城庄", qikou.Document.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/overview?township=" + Township)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/overview/csv?chart=steps&township=" + Township)).Status);

        // The home page leads there for these roles only.
        Assert.NotNull((await reviewer.GetAsync("/")).Document.QuerySelector("a[href='/overview']"));
        using var secretary = new PageSession(service.Server.Url);
        await secretary.SignInAsync("xiwan-secretary");
        Assert.Null((await secretary.GetAsync("/")).Document.QuerySelector("a[href='/overview']"));
        var refused = await secretary.GetAsync("/overview");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("统计概览只对", refused.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await secretary.GetAsync("/overview/csv?chart=steps")).Status);
    }

    [Fact]
    public async Task The_counters_refilled_from_the_events_equal_those_the_commits_kept()
    {
        await using var store = service.OpenStore();
        var overview = new OverviewQueries(store);
        var kept = await overview.TallyCountsAsync(null);
        Assert.Contains(kept, t => t.Metric == "step-time");
        await using (var connection = await store.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "DELETE FROM overview_tallies; DELETE FROM settings WHERE key = 'overview-tallies'");
        }

        await overview.RefillTalliesAsync();
        var refilled = await overview.TallyCountsAsync(null);
        static List<(string, string, int, long)> Sorted(IEnumerable<TallyCount> t) => [.. t.Select(x => (x.Metric, x.StepId, x.Bucket, x.N)).Order()];
        Assert.Equal(Sorted(kept), Sorted(refilled));
    }

    /// <summary>The four proposals, in an order that keeps each one's numbers known; their ids.</summary>
    private async Task<string[]> FixtureAsync()
    {
        var admin = await service.TokenFor("admin");
        foreach (var (user, role, scope) in new[]
        {
            ("cz-secretary", "party-secretary", VillagePath), ("cz-chair", "village-chair", VillagePath),
            ("cz-supervisor", "supervision-member", VillagePath), ("cz-reviewer", "township-reviewer", "141124/" + Township),
        })
        {
            var created = await service.Api.Post("/api/users", new { userName = user, displayName = user, password = "linxian-demo", grants = new[] { new { role, scope } } }, admin);
            Assert.True(created.Code == 201, created.ToString());
        }

        var walker = new Walker(service, "cz", "cz-reviewer", VillagePath);

        // P1: archived, with two objections on the resolution's disclosure (one upheld by the township: the villagers vote
        // again), and the result's disclosure closed 4 days after its period.
        var p1 = await walker.StartAsync("城庄村文化广场", "public-welfare", 48000);
        await StepUntilAsync(walker, p1, v => Published(v, "resolution-disclosure"));
        var chair = await service.TokenFor("cz-chair");
        var receipts = new List<string>();
        foreach (var text in new[] { "广场选址占用耕地", "预算明细未公开" })
        {
            var lodged = await service.Api.Post($"/api/public/proposals/{p1}/objections", new { text });
            Assert.True(lodged.Code == 201, lodged.ToString());
            receipts.Add(lodged.Json.GetProperty("receiptNumber").GetString()!);
            var answered = await service.Api.Post($"/api/proposals/{p1}/actions/answer-objection",
                new { stepId = "resolution-disclosure", objectionId = receipts[^1], answer = "已核实。", ruling = "dismissed" }, chair);
            Assert.True(answered.Code == 200, answered.ToString());
        }

        var escalated = await service.Api.Post($"/api/public/proposals/{p1}/objections/{receipts[0]}/escalate", new { reason = "答复未说明耕地情况" });
        Assert.True(escalated.Code == 201, escalated.ToString());
        var ruled = await service.Api.Post($"/api/proposals/{p1}/actions/rule-on-objection",
            new { stepId = "resolution-disclosure", objectionId = receipts[0], ruling = "upheld", reasons = "选址须重新表决" }, await service.TokenFor("cz-reviewer"));
        Assert.True(ruled.Code == 200, ruled.ToString());
        await StepUntilAsync(walker, p1, v => Published(v, "result-disclosure"));
        var view = await ViewAsync(p1);
        var closable = view.GetProperty("disclosure").GetProperty("closableFrom").GetDateTimeOffset();
        var now = await walker.AdvanceDaysAsync(0.001);
        await walker.AdvanceDaysAsync((closable - now).TotalDays + 4);
        Assert.Equal("archived", (await walker.WalkToEndAsync(p1)).GetProperty("currentStep").GetProperty("id").GetString());

        // P2: stopped at the party members' review (no deadline there, so never overdue).
        var p2 = await walker.StartAsync("集体果园收益分配", "collective-income", 120000);
        await StepUntilAsync(walker, p2, v => v.GetProperty("currentStep").GetProperty("id").GetString() == "party-member-review");

        // P4: declined at intake.
        var p4 = await walker.StartAsync("承包地调整", "land-contracting", 2000000);
        var declined = await service.Api.Post($"/api/proposals/{p4}/actions/complete-task",
            new { stepId = "intake", outcome = "declined", note = "不属于本村事项" }, await service.TokenFor("cz-secretary"));
        Assert.True(declined.Code == 200, declined.ToString());

        // P3: left at intake past its 10-day deadline; the sweep marks it overdue.
        var p3 = await walker.StartAsync("路灯维修", "public-welfare", 5000);
        await walker.AdvanceDaysAsync(11);
        for (var i = 0; i < 100 && !(await ViewAsync(p3)).GetProperty("overdue").GetBoolean(); i++)
        {
            await Task.Delay(200);
        }

        Assert.True((await ViewAsync(p3)).GetProperty("overdue").GetBoolean());
        return [p1, p2, p3, p4];
    }

    /// <summary>A stay as the overview rounds it down: to a tenth of a day below 10 days, to the day below 100, to ten days beyond.</summary>
    private static long Tenths(TimeSpan stay)
    {
        var tenths = stay.Ticks / (TimeSpan.TicksPerDay / 10);
        return tenths < 100 ? tenths : tenths < 1000 ? tenths / 10 * 10 : tenths / 100 * 100;
    }

    /// <summary>Each step's stays, in whole tenths of a day from its StepEntered to the next, with nearest-rank median and 90th percentile.</summary>
    private async Task<List<List<string>>> StepTimesAsync(IEnumerable<string> ids)
    {
        var stays = new List<(string Step, long Tenths)>();
        foreach (var id in ids)
        {
            var history = (await service.Api.Get($"/api/proposals/{id}/history", await service.TokenFor("cz-reviewer"))).Json;
            var entered = history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("record"))
                .Where(r => r.GetProperty("type").GetString() == "StepEntered")
                .Select(r => (Step: r.GetProperty("data").GetProperty("stepId").GetString()!, At: r.GetProperty("at").GetDateTimeOffset())).ToList();
            stays.AddRange(entered.Zip(entered.Skip(1), (a, b) => (a.Step, Tenths(b.At - a.At))));
        }

        (string Id, string Name)[] steps =
        [
            ("intake", "议题受理"), ("branch-proposal", "村党组织研究讨论"), ("two-committee-deliberation", "村“两委”会议商议"), ("supervision-check", "村务监督委员会核议"),
            ("township-review", "乡镇审核"), ("party-member-review", "党员大会审议"), ("villager-resolution", "村民会议或村民代表会议决议"),
            ("resolution-disclosure", "决议公开"), ("implementation", "组织实施"), ("result-disclosure", "实施结果公开"),
        ];
        string Rank(List<long> sorted, int percent) => (sorted[(int)Math.Max(1, (sorted.Count * percent + 99) / 100) - 1] / 10m).ToString("0.0", CultureInfo.InvariantCulture);
        return [.. steps.Where(s => stays.Any(x => x.Step == s.Id)).Select(s =>
        {
            var sorted = stays.Where(x => x.Step == s.Id).Select(x => x.Tenths).Order().ToList();
            return new List<string> { s.Name, sorted.Count.ToString(CultureInfo.InvariantCulture), Rank(sorted, 50), Rank(sorted, 90) };
        })];
    }

    private static bool Published(JsonElement view, string step) =>
        view.GetProperty("currentStep").GetProperty("id").GetString() == step
        && view.GetProperty("disclosure").ValueKind == JsonValueKind.Object
        && view.GetProperty("disclosure").GetProperty("publishedAt").ValueKind != JsonValueKind.Null;

    private async Task StepUntilAsync(Walker walker, string id, Func<JsonElement, bool> reached)
    {
        for (var i = 0; i < 40 && !reached(await ViewAsync(id)); i++)
        {
            Assert.True(await walker.StepAsync(id), "the proposal ended first");
        }

        Assert.True(reached(await ViewAsync(id)));
    }

    private async Task<JsonElement> ViewAsync(string id) => (await service.Api.Get($"/api/proposals/{id}", await service.TokenFor("cz-reviewer"))).Json;

    private static List<List<string>> Rows(params (string, string)[] rows) => [.. rows.Select(r => new List<string> { r.Item1, r.Item2 })];

    private static List<List<string>> Rows(params (string, string, string, string)[] rows) => [.. rows.Select(r => new List<string> { r.Item1, r.Item2, r.Item3, r.Item4 })];

    /// <summary>A chart's table rows: the row's label, then its cells.</summary>
    private static List<List<string>> Table(IDocument document, string chart) =>
        [.. document.GetElementById("chart-" + chart)!.ParentElement!.QuerySelectorAll("tbody tr").Select(r => r.Children.Select(c => c.TextContent).ToList())];

    /// <summary>A CSV (UTF-8 with BOM, quoted cells) as rows of cells.</summary>
    private static List<List<string>> Csv(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString().TrimEnd('\r'));
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }

        return rows;
    }
}

public sealed class SqliteOverviewTests(SqliteService service) : OverviewTests<SqliteService>(service);

public sealed class PostgresOverviewTests(PostgresService service) : OverviewTests<PostgresService>(service);
