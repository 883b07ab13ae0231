using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Tests.Features.Audit;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Noticeboard;

/// <summary>
/// Issue 12: a people's mediation case (a definition with <c>"public": false</c>) registered in 西湾村 beside a published
/// 四议两公开 disclosure of the same village, both titled with one distinctive word. Every public route (the village's board
/// and its API, the search, the notices and their proofs, open data, objections and their receipts) shows the 四议两公开 one
/// and never the case's title or parties; objections to the case are 404; a mediator of another village and a 四议两公开 cadre
/// of the same village cannot read or list it;
/// its notifications name the procedure and the number, not the title; the township's overview counts it by category and
/// outcome without naming it; the 台账 keeps it out unless asked for. Once on SQLite and once on PostgreSQL.
/// </summary>
public abstract class PrivacyTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture
{
    private const string Xiwan = "141124/141124109/141124109207";
    private const string XiwanCode = "141124109207";
    private const string Nanguan = "141124/141124100/141124100201";
    private const string Procedure = "renmin-tiaojie";
    private const string Word = "隐私核验";
    private const string CaseTitle = Word + "：王五甲与赵六乙宅基地界址纠纷";
    private const string SiyiTitle = Word + "：西湾村村道修缮";

    // What must never leave the signed-in pages of the case: its title, its parties, its summary.
    private static readonly string[] Secrets = ["王五甲", "赵六乙", "宅基地界址纠纷", "院墙越界"];

    [Fact]
    public async Task A_mediation_case_appears_on_no_public_route_and_only_as_counts_in_the_overview()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (chair, mediator, stranger, assistant) = ("pv-chair-" + suffix, "pv-mediator-" + suffix, "pv-stranger-" + suffix, "pv-judicial-" + suffix);
        var admin = await service.TokenFor("admin");
        foreach (var (name, role, scope) in new[]
        {
            (chair, MediationRoles.Chair, Xiwan), (mediator, MediationRoles.Mediator, Xiwan), (stranger, MediationRoles.Mediator, Nanguan),
            (assistant, MediationRoles.JudicialAssistant, "141124/141124109"),
        })
        {
            var created = await service.Api.Post("/api/users", new { userName = name, displayName = name, password = "linxian-demo", grants = new[] { new { role, scope } } }, admin);
            Assert.True(created.Code == 201, created.ToString());
        }

        using var judicial = new PageSession(service.Server.Url);
        await judicial.SignInAsync(assistant);
        var before = await judicial.GetAsync("/overview?procedure=" + Procedure);
        Assert.Equal(HttpStatusCode.OK, before.Status);

        // The 四议两公开 proposal, published on Xiwan's board.
        var walker = new Walker(service);
        var siyi = await walker.StartAsync(SiyiTitle);
        for (var i = 0; i < 40 && !Published(await ViewAsync(siyi, "xiwan-secretary")); i++)
        {
            Assert.True(await walker.StepAsync(siyi), "the proposal ended before its disclosure");
        }

        Assert.True(Published(await ViewAsync(siyi, "xiwan-secretary")));

        // Two mediation cases: one at the mediation step, one declined at acceptance (an outcome to count).
        var open = await RegisterAsync(chair);
        var declined = await RegisterAsync(chair);
        Accepted(await ActAsync(open, "complete-task", chair, new { stepId = "acceptance", outcome = "accepted", form = new { mediators = mediator } }));
        Accepted(await ActAsync(open, "complete-task", mediator, new { stepId = "informing", outcome = "informed", form = new { informedParties = "王五甲\n赵六乙", sessionsInPublic = "private" } }));
        Accepted(await ActAsync(declined, "complete-task", chair, new { stepId = "acceptance", outcome = "declined", note = "不属于人民调解范围", form = new { directedTo = "县人民法院" } }));

        // The village's board, its API, the search and open data: the 四议两公开 disclosure, nothing of the cases.
        var board = await service.Api.Get($"/api/public/villages/{XiwanCode}/disclosures");
        Assert.Equal(200, board.Code);
        Assert.Contains(SiyiTitle, board.Text, StringComparison.Ordinal);
        var found = await service.Api.Get("/api/public/disclosures?q=" + Uri.EscapeDataString(Word));
        Assert.Equal(SiyiTitle, Assert.Single(found.Json.EnumerateArray()).GetProperty("disclosure").GetProperty("title").GetString());
        var openData = await service.Api.Get("/api/public/open-data/disclosures.csv");
        Assert.Contains(SiyiTitle, openData.Text, StringComparison.Ordinal);
        using var visitor = new PageSession(service.Server.Url);
        var boardPage = await visitor.GetAsync($"/villages/{XiwanCode}");
        Assert.Contains(SiyiTitle, boardPage.Html, StringComparison.Ordinal);
        var searchPage = await visitor.GetAsync("/villages?q=" + Uri.EscapeDataString(Word));
        Assert.Contains(SiyiTitle, searchPage.Html, StringComparison.Ordinal);
        var notice = board.Json.EnumerateArray().First(d => d.GetProperty("proposalId").GetString() == siyi);
        var seq = notice.GetProperty("eventSequence").GetInt32();
        var noticePage = await visitor.GetAsync($"/notices/{Uri.EscapeDataString(siyi)}/{seq}");
        Assert.Equal(HttpStatusCode.OK, noticePage.Status);
        Assert.Contains(SiyiTitle, noticePage.Html, StringComparison.Ordinal);
        foreach (var body in new[] { board.Text, found.Text, openData.Text, boardPage.Html, searchPage.Html, noticePage.Html })
        {
            NoSecrets(body, open, declined);
        }

        // An objection to the 四议两公开 notice is taken, and its receipt shows that thread only.
        var lodged = await service.Api.Post($"/api/public/proposals/{siyi}/objections", new { text = "施工范围不清楚" });
        Assert.True(lodged.Code == 201, lodged.ToString());
        var receipt = lodged.Json.GetProperty("receiptNumber").GetString()!;
        var receiptPage = await visitor.GetAsync("/receipts?number=" + receipt);
        Assert.Contains(SiyiTitle, receiptPage.Html, StringComparison.Ordinal);
        NoSecrets(receiptPage.Html, open, declined);

        // The cases: every event's notice, paper and proof is 404, and objections to them are to a proposal that does not exist.
        foreach (var id in new[] { open, declined })
        {
            var history = await service.Api.Get($"/api/proposals/{Uri.EscapeDataString(id)}/history", await service.TokenFor(chair));
            Assert.Equal(200, history.Code);
            var events = history.Json.GetProperty("events").GetArrayLength();
            Assert.True(events >= 2);
            for (var s = 1; s <= events; s++)
            {
                var proof = await service.Api.Get($"/api/public/proposals/{Uri.EscapeDataString(id)}/events/{s}/proof");
                Assert.Equal((404, "log.not-public"), (proof.Code, proof.Rule));
                var page = await visitor.GetAsync($"/notices/{Uri.EscapeDataString(id)}/{s}");
                Assert.Equal(HttpStatusCode.NotFound, page.Status);
                NoSecrets(page.Html, null, null); // the page links back to the address asked for, which holds the id
            }

            var objection = await service.Api.Post($"/api/public/proposals/{Uri.EscapeDataString(id)}/objections", new { text = "我反对" });
            Assert.Equal((404, "proposal.not-found"), (objection.Code, objection.Rule));
            NoSecrets(objection.Text, null, null);
            var escalation = await service.Api.Post($"/api/public/proposals/{Uri.EscapeDataString(id)}/objections/{receipt}/escalate", new { reason = "不服" });
            Assert.Equal((404, "proposal.not-found"), (escalation.Code, escalation.Rule));
            NoSecrets(escalation.Text, null, null);

            // A mediator of another village reads nothing of it; the case's own mediator does.
            var foreign = await service.Api.Get($"/api/proposals/{Uri.EscapeDataString(id)}", await service.TokenFor(stranger));
            Assert.True(foreign.Code is 403 or 404, foreign.ToString());
            NoSecrets(foreign.Text, null, null);
            Assert.Contains(CaseTitle, (await service.Api.Get($"/api/proposals/{Uri.EscapeDataString(id)}", await service.TokenFor(mediator))).Text, StringComparison.Ordinal);
            Assert.Contains(CaseTitle, (await service.Api.Get($"/api/proposals/{Uri.EscapeDataString(id)}", await service.TokenFor(assistant))).Text, StringComparison.Ordinal);

            // Nor does a 四议两公开 cadre of the same village: to them the case does not exist.
            var cadre = await service.Api.Get($"/api/proposals/{Uri.EscapeDataString(id)}", await service.TokenFor("xiwan-secretary"));
            Assert.Equal((404, "proposal.not-found"), (cadre.Code, cadre.Rule));
            NoSecrets(cadre.Text, null, null);
        }

        foreach (var user in new[] { stranger, "xiwan-secretary" })
        {
            var list = await service.Api.Get($"/api/proposals?limit=200&village={XiwanCode}", await service.TokenFor(user));
            Assert.Equal(200, list.Code);
            NoSecrets(list.Text, open, declined);
        }

        Assert.Contains(SiyiTitle, (await service.Api.Get($"/api/proposals?limit=200&village={XiwanCode}", await service.TokenFor("xiwan-secretary"))).Text, StringComparison.Ordinal);
        var mediatorList = (await service.Api.Get($"/api/proposals?limit=200&village={XiwanCode}", await service.TokenFor(mediator))).Text;
        Assert.Contains(open, mediatorList, StringComparison.Ordinal);
        Assert.Contains(declined, mediatorList, StringComparison.Ordinal);

        // The judicial office's overview of mediation: one more case at the mediation step, one more declined, two more
        // homestead cases, one more closed; the names of none. Its 四议两公开 overview still counts 四议两公开.
        var after = await judicial.GetAsync("/overview?procedure=" + Procedure);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        NoSecrets(after.Html, open, declined);
        Assert.Equal(Count(before.Document, "steps", "调解") + 1, Count(after.Document, "steps", "调解"));
        Assert.Equal(Count(before.Document, "status", "不予受理") + 1, Count(after.Document, "status", "不予受理"));
        Assert.Equal(Count(before.Document, "categories", "宅基地") + 2, Count(after.Document, "categories", "宅基地"));
        Assert.Equal(Count(before.Document, "townships", "碛口镇") + 2, Count(after.Document, "townships", "碛口镇"));
        Assert.Equal(Count(before.Document, "closing", "人民调解") + 1, Count(after.Document, "closing", "人民调解"));
        Assert.Null(after.Document.GetElementById("chart-disclosures")); // nothing of it is disclosed
        Assert.Equal("renmin-tiaojie", after.Document.QuerySelector("select[name=procedure] option[selected]")?.GetAttribute("value"));
        var csv = System.Text.Encoding.UTF8.GetString(await judicial.GetBytesAsync("/overview/csv?chart=categories&procedure=" + Procedure));
        Assert.Contains("宅基地", csv, StringComparison.Ordinal);
        var siyiOverview = await judicial.GetAsync("/overview");
        Assert.NotNull(siyiOverview.Document.GetElementById("chart-disclosures"));
        Assert.Equal(0, Count(siyiOverview.Document, "categories", "宅基地"));
        NoSecrets(siyiOverview.Html, open, declined);
        Assert.Equal(HttpStatusCode.NotFound, (await judicial.GetAsync("/overview?procedure=no-such-procedure")).Status);

        // The 台账: 四议两公开 by default (the cases are not in it), mediation when asked for, each with its own steps as columns.
        var auditor = await service.TokenFor("auditor");
        var ledger = await service.Api.Get("/api/proposals/ledger.csv?village=" + XiwanCode, auditor);
        Assert.Contains(SiyiTitle, ledger.Text, StringComparison.Ordinal);
        NoSecrets(ledger.Text, open, declined);
        var mediationLedger = await service.Api.Get($"/api/proposals/ledger.csv?village={XiwanCode}&procedure={Procedure}", auditor);
        Assert.Contains(CaseTitle, mediationLedger.Text, StringComparison.Ordinal);
        Assert.Contains("告知当事人权利义务", mediationLedger.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(SiyiTitle, mediationLedger.Text, StringComparison.Ordinal);

        // Past the month a case should take: the reminder and the escalation name the procedure and the number, never the title.
        await walker.AdvanceDaysAsync(32);
        var log = service.Arguments.Single(a => a.StartsWith("--Notifications:LogPath=", StringComparison.Ordinal)).Split('=', 2)[1];
        await LogNodes.UntilAsync(() => File.Exists(log) && Lines(log).Any(l => l.Contains(open, StringComparison.Ordinal) && l.Contains("\"escalated\"", StringComparison.Ordinal)),
            "the case's escalation delivered to the log file");
        var told = Lines(log).Where(l => l.Contains(open, StringComparison.Ordinal) || l.Contains(declined, StringComparison.Ordinal)).ToList();
        Assert.All(told, l => NoSecrets(l, null, null));
        Assert.Contains(told, l => l.Contains("\"escalated\"", StringComparison.Ordinal) && l.Contains($"「人民调解案件 {open}」的「调解」已超过办理期限", StringComparison.Ordinal));
    }

    /// <summary>The overview's counters are kept per step id: two procedures' steps that can be left must not share one.</summary>
    [Fact]
    public void No_two_procedures_share_a_step_that_the_overview_counts()
    {
        var library = new WorkflowLibrary(new WorkflowOptions());
        var owners = library.Catalog.Definitions.Values
            .SelectMany(d => d.Steps.Where(s => s.Kind != StepKind.End).Select(s => (Step: s.Id, Procedure: d.Id)))
            .Distinct()
            .GroupBy(x => x.Step, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToList();
        Assert.Empty(owners);
        Assert.Contains(library.Catalog.Definitions.Values, d => !d.Public);
        Assert.DoesNotContain(library.PublicKeys(), k => !library.IsPublic(k));
    }

    private async Task<string> RegisterAsync(string chair)
    {
        var reply = await service.Api.Post("/api/proposals", new
        {
            villagePath = Xiwan,
            title = CaseTitle,
            summary = "王五甲申请调解：赵六乙家院墙越界0.4米。",
            category = "homestead",
            amountYuan = 0,
            source = "party-application",
            definition = Procedure,
            form = new Dictionary<string, string> { ["parties"] = "王五甲\n赵六乙", ["applicationForm"] = "oral" },
        }, await service.TokenFor(chair));
        Assert.True(reply.Code == 201, reply.ToString());
        return reply.Json.GetProperty("proposalId").GetString()!;
    }

    private async Task<Reply> ActAsync(string id, string action, string user, object body) =>
        await service.Api.Post($"/api/proposals/{Uri.EscapeDataString(id)}/actions/{action}", body, await service.TokenFor(user));

    private static void Accepted(Reply reply) => Assert.True(reply.Code == 200, reply.ToString());

    private async Task<JsonElement> ViewAsync(string id, string user) => (await service.Api.Get($"/api/proposals/{id}", await service.TokenFor(user))).Json;

    private static bool Published(JsonElement view) =>
        view.GetProperty("disclosure").ValueKind == JsonValueKind.Object
        && view.GetProperty("disclosure").GetProperty("publishedAt").ValueKind != JsonValueKind.Null;

    /// <summary>Nothing of the cases: not their title, parties or summary, nor (on a public route) their ids.</summary>
    private static void NoSecrets(string body, string? open, string? declined)
    {
        foreach (var secret in Secrets.Concat(new[] { open, declined }.OfType<string>()))
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    /// <summary>The count in a chart's row whose label is (or ends with) <paramref name="label"/>; 0 when there is no such row.</summary>
    private static long Count(IDocument document, string chart, string label) =>
        document.GetElementById("chart-" + chart)?.ParentElement?.QuerySelectorAll("tbody tr")
            .Select(r => r.Children.Select(c => c.TextContent).ToList())
            .Where(r => r[0] == label || r[0].EndsWith(label, StringComparison.Ordinal))
            .Sum(r => long.Parse(r[1].Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)) ?? 0;

    private static List<string> Lines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n')];
    }
}

public sealed class SqlitePrivacyTests(SqliteService service) : PrivacyTests<SqliteService>(service);

public sealed class PostgresPrivacyTests(PostgresService service) : PrivacyTests<PostgresService>(service);
