using System.Net;
using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Proposals;

/// <summary>
/// 人民调解 on the same service as 四议两公开, over HTTP: a case registered with its parties, accepted, the parties
/// informed, a session recorded, an agreement refused without the committee's seal and then made, followed up and
/// archived; a refusal of each kind of typed rule (names that must cover the parties, an entry required first, a window
/// that closed); and the case's page, which shows the records a decider reads beside the form that decides.
/// </summary>
public abstract class MediationTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture
{
    private const string Xiwan = "141124/141124109/141124109207";
    private const string Procedure = "renmin-tiaojie";

    private sealed record People(string Chair, string Mediator);

    /// <summary>A committee chair and a mediator of Xiwan, made by the administrator (the demo has none of their own).</summary>
    private async Task<People> PeopleAsync()
    {
        var admin = await service.TokenFor("admin");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var people = new People("tj-chair-" + suffix, "tj-mediator-" + suffix);
        foreach (var (name, display, role) in new[] { (people.Chair, "刘主任", MediationRoles.Chair), (people.Mediator, "周调解", MediationRoles.Mediator) })
        {
            var created = await service.Api.Post("/api/users", new { userName = name, displayName = display, grants = new[] { new { role, scope = Xiwan } }, password = "linxian-demo" }, admin);
            Assert.True(created.Code == 201, created.ToString());
        }

        return people;
    }

    private async Task<string> RegisterAsync(People people, string parties = "张三\n李四")
    {
        var reply = await StartAsync(people, "张三与李四宅基地界址纠纷", "两家因院墙界址发生争执，张三申请调解。", Procedure,
            new Dictionary<string, string> { ["parties"] = parties, ["applicationForm"] = "oral" });
        Assert.True(reply.Code == 201, reply.ToString());
        return reply.Json.GetProperty("proposalId").GetString()!;
    }

    // POST /api/proposals by the committee chair in 西湾村: a homestead dispute a party applied for.
    private async Task<Reply> StartAsync(People people, string title, string summary, string definition, Dictionary<string, string>? form) =>
        await service.Api.Post("/api/proposals", new
        {
            villagePath = Xiwan,
            title,
            summary,
            category = "homestead",
            amountYuan = 0,
            source = "party-application",
            definition,
            form,
        }, await service.TokenFor(people.Chair));

    private async Task<Reply> Act(string id, string action, string user, object body) =>
        await service.Api.Post($"/api/proposals/{Uri.EscapeDataString(id)}/actions/{action}", body, await service.TokenFor(user));

    private async Task<JsonElement> View(string id, string user) =>
        (await service.Api.Get($"/api/proposals/{Uri.EscapeDataString(id)}", await service.TokenFor(user))).Json;

    private static void Accepted(Reply reply) => Assert.True(reply.Code == 200, reply.ToString());

    private static void Refused(Reply reply, string rule, params string[] chineseWords)
    {
        Assert.True(reply.Code == 422 && reply.Rule == rule, $"expected 422 {rule}, got {reply}");
        var problem = reply.Json;
        Assert.Equal(problem.GetProperty("zh-CN").GetString(), problem.GetProperty("detail").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("en").GetString()));
        foreach (var word in chineseWords)
        {
            Assert.Contains(word, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private async Task ToMediationAsync(string id, People people)
    {
        Accepted(await Act(id, "complete-task", people.Chair, new { stepId = "acceptance", outcome = "accepted", form = new { mediators = "周调解" } }));
        Accepted(await Act(id, "complete-task", people.Mediator, new { stepId = "informing", outcome = "informed", form = new { informedParties = "张三\n李四", sessionsInPublic = "private" } }));
    }

    private static object Session => new
    {
        stepId = "mediation",
        entry = "session",
        form = new { heldOn = "2026-12-01", place = "西湾村委会调解室", record = "双方陈述院墙界址的由来，同意按1998年宅基地证所载四至重新确认。", signedBy = "张三、李四" },
    };

    private static Dictionary<string, string> Agreement(string seal) => new()
    {
        ["terms"] = "按宅基地证所载四至确认界址，李四于12月31日前拆除越界院墙0.4米，费用自担。",
        ["performBy"] = "2026-12-31",
        ["agreementSignedBy"] = "张三\n李四",
        ["mediatorSigned"] = "true",
        ["sealApplied"] = seal,
    };

    [Fact]
    public async Task A_case_runs_from_registration_to_the_archive_and_an_agreement_without_the_seal_is_refused()
    {
        var people = await PeopleAsync();
        var id = await RegisterAsync(people);
        var started = await View(id, people.Chair);
        Assert.Equal(("renmin-tiaojie@1", "acceptance"), (started.GetProperty("definition").GetString(), started.GetProperty("currentStep").GetProperty("id").GetString()));

        // The acceptance form's typed fields come with their labels and the outcomes they belong to.
        var accept = started.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("action").GetString() == "complete-task");
        var mediators = accept.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("path").GetString() == "form.mediators");
        Assert.Equal("names", mediators.GetProperty("kind").GetString());
        Assert.Contains("调解员", mediators.GetProperty("label").EnumerateObject().Select(p => p.Value.GetString()));
        Assert.Equal(["accepted"], mediators.GetProperty("for").EnumerateArray().Select(o => o.GetString()!));

        await ToMediationAsync(id, people);
        Accepted(await Act(id, "record-entry", people.Mediator, Session));

        // A written agreement takes effect only with the committee's seal (人民调解法 29).
        Refused(await Act(id, "complete-task", people.Mediator, new { stepId = "mediation", outcome = "writtenAgreement", form = Agreement("false") }),
            "form.must-be", "已加盖人民调解委员会印章");
        Accepted(await Act(id, "complete-task", people.Mediator, new { stepId = "mediation", outcome = "writtenAgreement", form = Agreement("true") }));
        Assert.Equal("performance", (await View(id, people.Mediator)).GetProperty("currentStep").GetProperty("id").GetString());

        Accepted(await Act(id, "record-entry", people.Mediator, new
        {
            stepId = "performance",
            entry = "follow-up",
            form = new { visitedOn = "2026-12-30", performanceStatus = "performed", visitNotes = "越界院墙已拆除，双方无异议。" },
        }));
        var ended = await Act(id, "complete-task", people.Mediator, new { stepId = "performance", outcome = "performed" });
        Accepted(ended);
        Assert.Equal(("ended", "archived"), (ended.Json.GetProperty("status").GetString(), ended.Json.GetProperty("currentStep").GetString()));
        var view = await View(id, people.Mediator);
        Assert.Equal("archived", view.GetProperty("result").GetString());

        // The history holds the forms as recorded, in canonical form.
        var history = (await service.Api.Get($"/api/proposals/{Uri.EscapeDataString(id)}/history", await service.TokenFor(people.Mediator))).Text;
        Assert.Contains("\"sealApplied\":\"true\"", history.Replace(" ", "", StringComparison.Ordinal).Replace("\\u0022", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_typed_rule_refuses_by_name_parties_not_covered_an_entry_not_yet_recorded_and_a_window_closed()
    {
        var people = await PeopleAsync();

        // A procedure nobody defined: 404 naming it.
        var unknown = await StartAsync(people, "x", "x", "no-such-procedure", null);
        Assert.True(unknown.Code == 404 && unknown.Rule == "workflow.unknown", unknown.ToString());

        // A dispute needs two parties at least.
        var one = await StartAsync(people, "x", "x", Procedure, new Dictionary<string, string> { ["parties"] = "张三" });
        Refused(one, "form.min-count", "当事人");

        var id = await RegisterAsync(people);
        Accepted(await Act(id, "complete-task", people.Chair, new { stepId = "acceptance", outcome = "accepted", form = new { mediators = "周调解" } }));

        // Covers: every party registered must be informed.
        Refused(await Act(id, "complete-task", people.Mediator, new { stepId = "informing", outcome = "informed", form = new { informedParties = "张三", sessionsInPublic = "private" } }),
            "form.covers", "李四");
        Accepted(await Act(id, "complete-task", people.Mediator, new { stepId = "informing", outcome = "informed", form = new { informedParties = "李四\n张三", sessionsInPublic = "private" } }));

        // Entry required: no agreement before a session's record; the outcome is not offered until then.
        var outcomes = OutcomeChoices(await View(id, people.Mediator));
        Assert.DoesNotContain("writtenAgreement", outcomes);
        Assert.Contains("terminated", outcomes);
        Refused(await Act(id, "complete-task", people.Mediator, new { stepId = "mediation", outcome = "writtenAgreement", form = Agreement("true") }),
            "task.entry-required", "调解笔录");
        Accepted(await Act(id, "record-entry", people.Mediator, Session));
        Assert.Contains("writtenAgreement", OutcomeChoices(await View(id, people.Mediator)));
        Accepted(await Act(id, "complete-task", people.Mediator, new { stepId = "mediation", outcome = "writtenAgreement", form = Agreement("true") }));

        // Window: judicial confirmation is applied for within the profile's 30 days, not after.
        Assert.Contains("confirmationApplied", OutcomeChoices(await View(id, people.Mediator)));
        var clock = await service.Api.Post("/api/admin/clock", new { advanceDays = 31 }, await service.TokenFor("admin"));
        Assert.True(clock.Code == 200, clock.ToString());
        Assert.DoesNotContain("confirmationApplied", OutcomeChoices(await View(id, people.Mediator)));
        Refused(await Act(id, "complete-task", people.Mediator, new
        {
            stepId = "performance",
            outcome = "confirmationApplied",
            form = new { appliedOn = "2027-01-05", courtName = "临县人民法院", appliedBy = "张三\n李四" },
        }), "task.window-closed");
    }

    private static List<string> OutcomeChoices(JsonElement view) =>
        [.. view.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("action").GetString() == "complete-task")
            .GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("path").GetString() == "outcome")
            .GetProperty("choices").EnumerateArray().Select(c => c.GetString()!)];

    [Fact]
    public async Task One_who_may_start_both_procedures_chooses_one_by_a_link_and_gets_its_form()
    {
        var admin = await service.TokenFor("admin");
        var name = "tj-both-" + Guid.NewGuid().ToString("N")[..8];
        var grants = new[] { new { role = SiyiRoles.PartySecretary, scope = Xiwan }, new { role = MediationRoles.Chair, scope = Xiwan } };
        var created = await service.Api.Post("/api/users", new { userName = name, displayName = "孙书记", grants, password = "linxian-demo" }, admin);
        Assert.True(created.Code == 201, created.ToString());
        using var both = new PageSession(service.Server.Url);
        await both.SignInAsync(name);

        // The configured procedure first, drawn without a start form; the other one a link away.
        var first = await both.GetAsync("/proposals/new");
        Assert.Equal("siyi-liangkai", first.Document.QuerySelector("form#new-proposal")!.GetAttribute("data-procedure"));
        Assert.Null(first.Document.QuerySelector("form#new-proposal textarea[name='form.parties']"));
        var link = first.Document.QuerySelector("nav.procedures a[data-procedure=renmin-tiaojie]")!;
        Assert.Equal("/proposals/new?procedure=renmin-tiaojie", link.GetAttribute("href"));
        Assert.Contains("人民调解", link.TextContent, StringComparison.Ordinal);
        var other = await both.GetAsync(link.GetAttribute("href")!);
        var form = other.Document.QuerySelector("form#new-proposal")!;
        Assert.Equal(Procedure, form.GetAttribute("data-procedure"));
        Assert.Equal(Procedure, form.QuerySelector("input[name=procedure]")!.GetAttribute("value"));
        Assert.NotNull(form.QuerySelector("textarea[name='form.parties']"));
        Assert.Contains("口头申请", form.QuerySelector("select[name='form.applicationForm']")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("邻里纠纷", first.Document.QuerySelector("select[name=category]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("邻里纠纷", form.QuerySelector("select[name=category]")!.TextContent, StringComparison.Ordinal);

        // A start form refused (one party) comes back with the procedure and what was typed.
        var fields = PageSession.Fields(form);
        fields.AddRange([new("villagePath", Xiwan), new("title", "一方申请"), new("summary", "只有一方。"), new("category", "debt"),
            new("amountYuan", "0"), new("source", "party-application"), new("form.parties", "钱七"), new("form.applicationForm", "")]);
        var refused = await both.PostAsync("/proposals/new", fields);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("form.min-count", refused.Html, StringComparison.Ordinal);
        Assert.Equal(Procedure, refused.Document.QuerySelector("form#new-proposal")!.GetAttribute("data-procedure"));
        Assert.Equal("钱七", refused.Document.QuerySelector("textarea[name='form.parties']")!.TextContent);
    }

    [Fact]
    public async Task The_case_page_shows_the_parties_and_the_session_record_beside_the_form_that_decides()
    {
        var people = await PeopleAsync();
        using var chair = new PageSession(service.Server.Url);
        await chair.SignInAsync(people.Chair);

        // The chair may start mediation only: the start link shows, and the form is mediation's, its start form drawn.
        var home = await chair.GetAsync("/");
        Assert.NotNull(home.Document.QuerySelector("a[href='/proposals/new']"));
        var newPage = await chair.GetAsync("/proposals/new");
        var startForm = newPage.Document.QuerySelector("form#new-proposal")!;
        Assert.Equal(Procedure, startForm.GetAttribute("data-procedure"));
        Assert.NotNull(startForm.QuerySelector("textarea[name='form.parties']"));
        Assert.Contains("当事人申请", startForm.QuerySelector("select[name=source]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("宅基地", startForm.QuerySelector("select[name=category]")!.TextContent, StringComparison.Ordinal);
        var fields = PageSession.Fields(startForm);
        fields.AddRange([new("villagePath", Xiwan), new("title", "王五与赵六邻里纠纷"), new("summary", "排水沟堵塞引发争执。"), new("category", "neighbours"),
            new("amountYuan", "0"), new("source", "party-application"), new("form.parties", "王五\n赵六"), new("form.applicationForm", "written"), new("form.referredBy", "")]);
        var started = await chair.PostAsync("/proposals/new", fields);
        Assert.True(started.Status == HttpStatusCode.Redirect, started.Html);
        var id = Uri.UnescapeDataString(started.Response.Headers.Location!.OriginalString.Split('/')[2].Split('?')[0]);
        Assert.Equal("renmin-tiaojie@1", (await View(id, people.Chair)).GetProperty("definition").GetString());

        // Accepting through the page: the outcome by its label; an empty field of another outcome is harmless.
        var page = await chair.GetAsync($"/proposals/{Uri.EscapeDataString(id)}");
        var acceptForm = page.Document.QuerySelector("#f-complete-task")!;
        Assert.Contains("受理，指定调解员", acceptForm.QuerySelector("select[name=outcome]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("王五、赵六", acceptForm.QuerySelector(".decides")!.TextContent, StringComparison.Ordinal);
        var accept = PageSession.Fields(acceptForm);
        accept.AddRange([new("outcome", "accepted"), new("note", ""), new("form.mediators", "周调解"), new("form.directedTo", ""), new("form.refusingParty", "")]);
        var accepted = await chair.PostAsync(acceptForm.GetAttribute("action")!, accept);
        Assert.True(accepted.Status == HttpStatusCode.Redirect, accepted.Html);
        Accepted(await Act(id, "complete-task", people.Mediator, new { stepId = "informing", outcome = "informed", form = new { informedParties = "王五\n赵六", sessionsInPublic = "private" } }));

        // The mediator records a session through its own form.
        using var mediator = new PageSession(service.Server.Url);
        await mediator.SignInAsync(people.Mediator);
        page = await mediator.GetAsync($"/proposals/{Uri.EscapeDataString(id)}");
        var sessionForm = page.Document.QuerySelector("#f-record-entry-session")!;
        Assert.Contains("调解笔录", sessionForm.QuerySelector("h3")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("王五、赵六", sessionForm.QuerySelector("#f-record-entry-session-form-signedBy-help")!.TextContent, StringComparison.Ordinal);
        var session = PageSession.Fields(sessionForm);
        session.AddRange([new("form.heldOn", "2026-12-02"), new("form.place", "西湾村委会调解室"), new("form.record", "双方同意共同清理排水沟。"),
            new("form.signedBy", "王五\n赵六"), new("form.invited", "")]);
        var recorded = await mediator.PostAsync(sessionForm.GetAttribute("action")!, session);
        Assert.True(recorded.Status == HttpStatusCode.Redirect, recorded.Html);

        // Before the agreement form: the parties registered and the session's record, with who signed it.
        page = await mediator.GetAsync(recorded.Response.Headers.Location!.OriginalString);
        Assert.Contains("记录「调解笔录」：调解日期 2026-12-02", page.Document.QuerySelector("p.done")!.TextContent, StringComparison.Ordinal);
        var ids = page.Document.QuerySelectorAll("[id]").Select(e => e.Id!).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(page.Document.QuerySelectorAll("label[for]"), label => Assert.NotNull(page.Document.GetElementById(label.GetAttribute("for")!)));
        var decide = page.Document.QuerySelector("#f-complete-task")!;
        var basis = decide.QuerySelector(".decides")!.TextContent;
        Assert.Contains("记录「调解笔录」", basis, StringComparison.Ordinal);
        Assert.Contains("西湾村委会调解室", basis, StringComparison.Ordinal);
        Assert.Contains("王五、赵六", basis, StringComparison.Ordinal);
        Assert.Contains("双方同意共同清理排水沟。", basis, StringComparison.Ordinal);
        Assert.Contains("达成书面调解协议", decide.QuerySelector("select[name=outcome]")!.TextContent, StringComparison.Ordinal);
        var seal = decide.QuerySelector("input[name='form.sealApplied']")!;
        Assert.Equal(("checkbox", "true"), (seal.GetAttribute("type"), seal.GetAttribute("value")));
        Assert.Contains("已加盖人民调解委员会印章", seal.ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.Contains("「达成书面调解协议」", decide.QuerySelector("#f-complete-task-form-sealApplied-help")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("调解不成", decide.QuerySelector("select[name='form.terminationCause']")!.TextContent, StringComparison.Ordinal);

        // The seal left unticked: refused by the rule, inside the form, with what was typed.
        var agreement = PageSession.Fields(decide);
        agreement.AddRange([new("outcome", "writtenAgreement"), new("note", ""), new("form.terms", "双方共同清理排水沟，各担一半费用。"), new("form.performBy", "2026-12-20"),
            new("form.agreementSignedBy", "王五\n赵六"), new("form.mediatorSigned", "true"), new("form.agreedBy", ""), new("form.terminationCause", "")]);
        var refused = await mediator.PostAsync(decide.GetAttribute("action")!, agreement);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        var again = refused.Document.QuerySelector("#f-complete-task")!;
        Assert.Contains("已加盖人民调解委员会印章", again.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("双方共同清理排水沟，各担一半费用。", again.QuerySelector("textarea[name='form.terms']")!.TextContent);
        agreement.Add(new("form.sealApplied", "true"));
        var made = await mediator.PostAsync(decide.GetAttribute("action")!, agreement);
        Assert.True(made.Status == HttpStatusCode.Redirect, made.Html);

        // The history says what the agreement holds, labelled as the definition labels it.
        page = await mediator.GetAsync($"/proposals/{Uri.EscapeDataString(id)}");
        var timeline = page.Document.QuerySelector("ol.timeline")!.TextContent;
        Assert.Contains("调解：达成书面调解协议", timeline, StringComparison.Ordinal);
        Assert.Contains("已加盖人民调解委员会印章", timeline, StringComparison.Ordinal);
        Assert.Contains("人民调解登记", timeline, StringComparison.Ordinal);
        Assert.DoesNotContain("sealApplied", timeline, StringComparison.Ordinal);
    }
}

public sealed class SqliteMediationTests(SqliteService service) : MediationTests<SqliteService>(service);

public sealed class PostgresMediationTests(PostgresService service) : MediationTests<PostgresService>(service);
