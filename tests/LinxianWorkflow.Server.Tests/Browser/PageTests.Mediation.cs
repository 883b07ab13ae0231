using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace LinxianWorkflow.Server.Tests.Browser;

/// <summary>人民调解 through the pages: one dispute from registration to archive by the demo village's mediator and committee chair.</summary>
public sealed partial class PageTests
{
    private const string Parties = "冯长生\n贺三娃";

    private async Task<JsonElement> CaseAsync(string id) =>
        (await browser.Api.Get($"/api/proposals/{id}", await browser.TokenFor("xiwan-mediator"))).Json;

    private async Task<string> StepOfAsync(string id) => (await CaseAsync(id)).GetProperty("currentStep").GetProperty("id").GetString()!;

    /// <summary>Fills and posts one action form of the case's page, then waits for the page that says it was done.</summary>
    private static async Task PostAsync(IPage page, ILocator form, string done, string what)
    {
        await SendableAsync(form, what);
        await form.Locator("button[type=submit]").ClickAsync();
        await ArrivedAsync(page, "done=" + done, what);
        await NoErrorAsync(page, what);
    }

    /// <summary>What the case's page must say at a point of the walk; what it does not say is collected, and the test fails with all of it at the end.</summary>
    private sealed class Expectations
    {
        private readonly List<string> _missing = [];

        public async Task ShowsAsync(IPage page, string when, params string[] texts)
        {
            var main = await page.InnerTextAsync("main");
            foreach (var text in texts.Where(t => !main.Contains(t, StringComparison.Ordinal)))
            {
                _missing.Add($"{when}: the case's page does not show “{text}”");
            }
        }

        /// <summary>The case's facts: a term's description as the page reads (当前环节 → 调解).</summary>
        public async Task FactAsync(IPage page, string when, string term, string expected)
        {
            var shown = (await page.Locator($"dl.facts dt:has-text('{term}') + dd").InnerTextAsync()).Trim();
            if (!shown.StartsWith(expected, StringComparison.Ordinal))
            {
                _missing.Add($"{when}: {term} reads “{shown}”, not “{expected}”");
            }
        }

        public void Check() => Assert.True(_missing.Count == 0, string.Join("\n", _missing));
    }

    /// <summary>The browser would not send a form whose fields it finds invalid (a field of another outcome marked required, say).</summary>
    private static async Task SendableAsync(ILocator form, string what)
    {
        var invalid = await form.EvaluateAsync<string[]>("f => [...f.querySelectorAll(':invalid')].filter(e => e !== f).map(e => e.name + ': ' + e.validationMessage)");
        Assert.True(invalid.Length == 0, $"{what}: the browser will not send the form: {string.Join("; ", invalid)}");
    }

    [Fact]
    public async Task A_mediation_case_goes_from_registration_to_archive_through_the_pages_by_the_mediator_and_the_committee_chair()
    {
        // 调解登记: the mediator picks 人民调解 on the start page; its categories and sources are in words, the parties one to a line.
        var mediator = await browser.SignedInAsync("xiwan-mediator");
        await mediator.GotoAsync("/proposals/new?procedure=renmin-tiaojie");
        var start = mediator.Locator("form#new-proposal[data-procedure='renmin-tiaojie']");
        Assert.Contains("宅基地", await start.Locator("#category").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("当事人申请", await start.Locator("#source").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("当事人", await start.Locator("label[for='form-parties']").InnerTextAsync(), StringComparison.Ordinal);
        await start.Locator("#title").FillAsync("浏览器测试：宅基地界址纠纷");
        await start.Locator("#summary").FillAsync("一方翻建院墙越过原界址约半米，另一方口头申请调解。");
        await start.Locator("#category").SelectOptionAsync("homestead");
        await start.Locator("#source").SelectOptionAsync("party-application");
        await start.Locator("#form-parties").FillAsync(Parties);
        await start.Locator("#form-applicationForm").SelectOptionAsync("oral");
        await ShotAsync(mediator, "mediation-new");
        await SendableAsync(start, "registering a dispute");
        await start.Locator("button[type=submit]").ClickAsync();
        await ArrivedAsync(mediator, "done=start", "registering a dispute");
        await NoErrorAsync(mediator, "registering a dispute");
        var id = Uri.UnescapeDataString(new Uri(mediator.Url).AbsolutePath.Split('/')[^1]);
        var url = $"/proposals/{Uri.EscapeDataString(id)}";
        var expect = new Expectations();
        await expect.ShowsAsync(mediator, "registered", "冯长生", "贺三娃"); // the parties by name
        await expect.FactAsync(mediator, "registered", "类别", "宅基地"); // the mediation profile's words, not another procedure's
        await expect.FactAsync(mediator, "registered", "来源", "当事人申请");
        await expect.FactAsync(mediator, "registered", "当前环节", "受理");
        Assert.Equal("acceptance", await StepOfAsync(id));
        Assert.Equal(0, await mediator.Locator("form.action[id='f-complete-task']").CountAsync()); // acceptance is the chair's

        // 受理: the committee chair accepts and assigns the mediator; the outcomes are named as the definition names them.
        var chair = await browser.SignedInAsync("xiwan-tiaojie");
        await chair.GotoAsync(url);
        var accept = chair.Locator("form.action[id='f-complete-task']");
        var outcomes = await accept.Locator("select[name=outcome]").InnerTextAsync();
        Assert.Contains("受理，指定调解员", outcomes, StringComparison.Ordinal);
        Assert.Contains("不予受理", outcomes, StringComparison.Ordinal);
        await accept.Locator("select[name=outcome]").SelectOptionAsync("accepted");
        await accept.Locator("textarea[name='form.mediators']").FillAsync("高俊才");
        await PostAsync(chair, accept, "complete-task", "accepting the case");
        Assert.Equal("informing", await StepOfAsync(id));
        await expect.FactAsync(chair, "accepted", "当前环节", "告知当事人权利义务");

        // 告知: the mediator records that every party was told its rights, and that the sessions are not public.
        await mediator.GotoAsync(url);
        var inform = mediator.Locator("form.action[id='f-complete-task']");
        Assert.Contains("已逐一告知", await inform.Locator("select[name=outcome]").InnerTextAsync(), StringComparison.Ordinal);
        await inform.Locator("select[name=outcome]").SelectOptionAsync("informed");
        await inform.Locator("textarea[name='form.informedParties']").FillAsync(Parties);
        await inform.Locator("select[name='form.sessionsInPublic']").SelectOptionAsync("private");
        await PostAsync(mediator, inform, "complete-task", "informing the parties");
        Assert.Equal("mediation", await StepOfAsync(id));
        await expect.FactAsync(mediator, "informed", "当前环节", "调解");

        // 调解: a session's record (调解笔录), signed by both parties; it does not move the case, and the page shows it.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var session = mediator.Locator("form.action[id='f-record-entry-session']");
        Assert.Contains("调解笔录", await session.InnerTextAsync(), StringComparison.Ordinal);
        await session.Locator("input[name='form.heldOn']").FillAsync(today);
        await session.Locator("input[name='form.place']").FillAsync("西湾村委会调解室");
        await session.Locator("textarea[name='form.record']").FillAsync("双方到场丈量界址，冯长生同意将院墙后退0.5米，贺三娃同意分担一半拆砌费用。");
        await session.Locator("textarea[name='form.signedBy']").FillAsync(Parties);
        await session.Locator("input[name='form.invited']").FillAsync("村民小组长王建平");
        await PostAsync(mediator, session, "record-entry", "recording a session");
        Assert.Equal("mediation", await StepOfAsync(id));
        await expect.ShowsAsync(mediator, "a session recorded", "调解笔录", "西湾村委会调解室", "冯长生同意将院墙后退0.5米", "已逐一告知", "受理，指定调解员");

        // 调解协议: a written agreement takes effect only with every party's signature, the mediator's and the committee's seal.
        var agree = mediator.Locator("form.action[id='f-complete-task']");
        Assert.Contains("达成书面调解协议", await agree.Locator("select[name=outcome]").InnerTextAsync(), StringComparison.Ordinal);
        await agree.Locator("select[name=outcome]").SelectOptionAsync("writtenAgreement");
        await agree.Locator("textarea[name='form.terms']").FillAsync("冯长生于十五日内将院墙后退0.5米，拆砌费用双方各半负担，在原界址处设界石。");
        await agree.Locator("input[name='form.performBy']").FillAsync(DateOnly.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(15).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await agree.Locator("textarea[name='form.agreementSignedBy']").FillAsync(Parties);
        await agree.Locator("input[name='form.mediatorSigned']").CheckAsync();
        await agree.Locator("input[name='form.sealApplied']").CheckAsync();
        await PostAsync(mediator, agree, "complete-task", "recording the written agreement");
        Assert.Equal("performance", await StepOfAsync(id));
        await expect.ShowsAsync(mediator, "agreed", "达成书面调解协议", "设界石"); // the outcome and the terms in words
        await expect.FactAsync(mediator, "agreed", "当前环节", "履行与回访");

        // 回访: the follow-up visit finds the agreement performed; then the case is archived.
        var visit = mediator.Locator("form.action[id='f-record-entry-follow-up']");
        await visit.Locator("input[name='form.visitedOn']").FillAsync(today);
        await visit.Locator("select[name='form.performanceStatus']").SelectOptionAsync("performed");
        await visit.Locator("textarea[name='form.visitNotes']").FillAsync("院墙已后退，界石已设，双方无异议。");
        await PostAsync(mediator, visit, "record-entry", "recording the follow-up visit");
        await expect.ShowsAsync(mediator, "a follow-up visit recorded", "回访记录", "界石已设", "已履行");

        var close = mediator.Locator("form.action[id='f-complete-task']");
        Assert.Contains("协议已履行，归档", await close.Locator("select[name=outcome]").InnerTextAsync(), StringComparison.Ordinal);
        await close.Locator("select[name=outcome]").SelectOptionAsync("performed");
        await PostAsync(mediator, close, "complete-task", "archiving the case");
        var archived = await CaseAsync(id);
        Assert.Equal("ended", archived.GetProperty("status").GetString());
        Assert.Equal("archived", archived.GetProperty("currentStep").GetProperty("id").GetString());
        // Registration, sessions and agreement filed together, in words.
        await expect.FactAsync(mediator, "archived", "当前环节", "归档");
        await expect.ShowsAsync(mediator, "archived", "协议已履行，归档", "冯长生", "贺三娃", "冯长生同意将院墙后退0.5米", "设界石", "界石已设");
        Assert.Equal(0, await mediator.Locator("form.action[id='f-complete-task']").CountAsync());
        await ShotAsync(mediator, "mediation-archived");

        // Nothing of a case is public: to another village's mediator it does not exist.
        var other = await browser.SignedInAsync("nanguan-mediator");
        Assert.Equal(404, (await other.GotoAsync(url))!.Status);
        expect.Check();
    }
}
