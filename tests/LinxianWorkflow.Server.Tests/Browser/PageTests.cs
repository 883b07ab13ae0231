using System.Globalization;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LinxianWorkflow.Server.Tests.Browser;

/// <summary>
/// The pages in a real Chromium against the real server: a proposal from intake to archived entirely through
/// the pages by the right demo users, a rule violation shown in words, a foreign village refused, a villager's
/// objection with its receipt, no serious or critical axe violation on any page visited, screenshots kept.
/// The API is used only to read what a careful user would read off the page (a step's entry time, the clock).
/// </summary>
public sealed partial class PageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static async Task CheckAccessibleAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(serious.Count == 0, $"{name}: {string.Join("\n", serious)}");
    }

    private async Task ShotAsync(IPage page, string name, bool check = true)
    {
        if (check)
        {
            await CheckAccessibleAsync(page, name);
        }

        // Every page a person reads stays light, even on a slow village connection.
        var bytes = System.Text.Encoding.UTF8.GetByteCount(await page.ContentAsync());
        Assert.True(bytes < 100 * 1024, $"{name}: {bytes} bytes");

        // Nothing wider than the screen, down to a 360 px phone.
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{name}: the page is {widths[0]} px wide on a {widths[1]} px screen");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });
    }

    private static async Task NoErrorAsync(IPage page, string what)
    {
        var errors = await page.Locator(".error").AllInnerTextsAsync();
        Assert.True(errors.Count == 0, $"{what}: {string.Join(" / ", errors)}");
    }

    /// <summary>After a click that posts a form: the page that came back must be at <paramref name="expected"/>; else its error is the failure.</summary>
    private static async Task ArrivedAsync(IPage page, string expected, string what)
    {
        await page.WaitForLoadStateAsync(LoadState.Load);
        if (!page.Url.Contains(expected, StringComparison.Ordinal))
        {
            var errors = await page.Locator(".error, .rule").AllInnerTextsAsync();
            Assert.Fail($"{what}: at {page.Url} instead of {expected}: {string.Join(" / ", errors)}");
        }
    }

    private async Task<JsonElement> ViewAsync(string id) =>
        (await browser.Api.Get($"/api/proposals/{id}", await browser.TokenFor("xiwan-chair"))).Json;

    private static string Local(DateTimeOffset at) => at.ToOffset(China).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static async Task AdvanceAsync(IPage admin, double days)
    {
        await admin.GotoAsync("/admin");
        await admin.FillAsync("#advanceDays", days.ToString(CultureInfo.InvariantCulture));
        await admin.ClickAsync("form.inline-form button[type=submit]");
        await ArrivedAsync(admin, "/admin", "moving the clock");
        await NoErrorAsync(admin, "moving the clock");
        await Task.Delay(1500); // the timers now due fire (the sweep runs every 0.5 s) before the user reloads
    }

    [Fact]
    public async Task A_proposal_goes_from_intake_to_archived_through_the_pages_by_the_right_users_and_a_notice_prints()
    {
        var secretary = await browser.SignedInAsync("xiwan-secretary");
        await ShotAsync(secretary, "home-secretary");

        // The village's proposals by step: the demo's 枣园 lease waits at the party members' meeting, the road at intake.
        await secretary.SelectOptionAsync("#q-step", "party-member-review");
        await secretary.ClickAsync("form.filters button[type=submit]");
        await ArrivedAsync(secretary, "step=party-member-review", "filtering by step");
        var listed = await secretary.InnerTextAsync("#proposals ~ table");
        Assert.Contains("村集体枣园对外承包", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("硬化村内主干道800米", listed, StringComparison.Ordinal);

        // Start it through the form.
        await secretary.GotoAsync("/proposals/new");
        await ShotAsync(secretary, "new-proposal");
        await secretary.FillAsync("#title", "浏览器测试：修建村文化广场");
        await secretary.FillAsync("#summary", "在村委会东侧修建文化广场，面积600平方米。");
        await secretary.FillAsync("#amountYuan", "52000");
        await secretary.SelectOptionAsync("#category", "public-welfare");
        await secretary.SelectOptionAsync("#source", "villager-suggestion");
        await secretary.ClickAsync("form.narrow button[type=submit]");
        await ArrivedAsync(secretary, "/proposals/", "starting a proposal");
        await NoErrorAsync(secretary, "start");
        var id = Uri.UnescapeDataString(new Uri(secretary.Url).AbsolutePath.Split('/')[^1]);

        // The secretary attaches the scanned plan (a PDF); the page lists it with the SHA-256 the history records.
        var pdf = Path.Combine(browser.Screenshots, "plan.pdf");
        var pdfBytes = System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n% 文化广场方案\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        await File.WriteAllBytesAsync(pdf, pdfBytes);
        await secretary.SetInputFilesAsync("#f-attach-file", pdf);
        await secretary.FillAsync("#f-attach-description", "广场方案扫描件");
        await secretary.ClickAsync("#f-attach-document button[type=submit]");
        await ArrivedAsync(secretary, "done=attach-document", "attaching");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdfBytes));
        Assert.Contains(sha, await secretary.InnerTextAsync("#attachments + ul"), StringComparison.Ordinal);
        var download = await secretary.APIRequest.GetAsync(await secretary.Locator("#attachments + ul a").First.GetAttributeAsync("href") ?? "/missing");
        Assert.Equal(pdfBytes, await download.BodyAsync());

        // A .pdf that is not a PDF is refused in words, and nothing is attached.
        var fake = Path.Combine(browser.Screenshots, "fake.pdf");
        await File.WriteAllTextAsync(fake, "MZ this is not a pdf");
        await secretary.SetInputFilesAsync("#f-attach-file", fake);
        await secretary.ClickAsync("#f-attach-document button[type=submit]");
        await secretary.WaitForLoadStateAsync();
        Assert.Contains("规则：attachment.type", await secretary.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(1, await secretary.Locator("#attachments + ul li").CountAsync());

        var users = new Dictionary<string, IPage>
        {
            ["xiwan-secretary"] = secretary,
            ["xiwan-chair"] = await browser.SignedInAsync("xiwan-chair"),
            ["xiwan-supervisor"] = await browser.SignedInAsync("xiwan-supervisor"),
            ["reviewer-109"] = await browser.SignedInAsync("reviewer-109"),
        };
        var admin = await browser.SignedInAsync("admin");

        // The supervision committee raises a concern about a step ahead; the township sees it on its home page.
        var supervisor = users["xiwan-supervisor"];
        await supervisor.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        await supervisor.Locator("#f-raise-concern select[name=stepId]").SelectOptionAsync("villager-resolution");
        await supervisor.FillAsync("#f-raise-concern textarea[name=text]", "请提前三天公布村民代表名单。");
        await supervisor.ClickAsync("#f-raise-concern button[type=submit]");
        await ArrivedAsync(supervisor, "done=raise-concern", "raising a concern");
        await users["reviewer-109"].GotoAsync("/");
        Assert.Contains("请提前三天公布村民代表名单", await users["reviewer-109"].InnerTextAsync("main"), StringComparison.Ordinal);
        await ShotAsync(users["reviewer-109"], "home-reviewer");

        var acted = new List<string>();
        for (var round = 0; round < 40 && (await ViewAsync(id)).GetProperty("status").GetString() != "ended"; round++)
        {
            var view = await ViewAsync(id);
            var step = view.GetProperty("currentStep").GetProperty("id").GetString()!;
            var done = false;
            foreach (var (user, page) in users)
            {
                await page.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
                var forms = page.Locator("form.action:not([id^='f-intervene']):not([id^='f-demand-rehearing']):not([id^='f-escalate']):not([id^='f-raise-concern']):not([id^='f-attach-document'])");
                if (await forms.CountAsync() == 0)
                {
                    continue;
                }

                // At implementation, finish rather than report progress again (as the API walker does).
                var form = await page.Locator("form#f-complete-implementation").CountAsync() > 0 ? page.Locator("form#f-complete-implementation") : forms.First;
                var action = (await form.GetAttributeAsync("data-action"))!;
                if (round == 1 || action == "review")
                {
                    await ShotAsync(page, "proposal-" + user + "-" + action);
                }

                await FillAsync(form, action, step, view, admin, page);
                await form.Locator("button[type=submit]").ClickAsync();
                await page.WaitForLoadStateAsync();
                if ((await page.Locator(".rule").AllInnerTextsAsync()).Any(r => r.Contains("concurrency.", StringComparison.Ordinal)))
                {
                    // A timer fired between reading the page and posting (the page said so in words): read again, as a clerk would.
                    done = true;
                    break;
                }

                await NoErrorAsync(page, $"{user} {action} at {step}");
                acted.Add($"{user}:{action}");
                done = true;
                break;
            }

            if (!done)
            {
                var seen = new List<string>();
                foreach (var (user, page) in users)
                {
                    seen.Add($"{user}: {(await browser.Api.Get($"/api/proposals/{id}", await browser.TokenFor(user))).Json.GetProperty("actions")} forms: {string.Join(",", await page.Locator("form.action").EvaluateAllAsync<string[]>("fs => fs.map(f => f.id)"))}");
                }

                Assert.Fail($"nobody could act at {step}: {string.Join("\n", seen)}");
            }
        }

        var final = await ViewAsync(id);
        Assert.Equal("ended", final.GetProperty("status").GetString());
        Assert.Equal("archived", final.GetProperty("currentStep").GetProperty("id").GetString());
        Assert.Contains("xiwan-supervisor:countersign", acted);
        Assert.Contains("reviewer-109:review", acted);
        Assert.Contains("xiwan-chair:publish", acted);

        await secretary.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        Assert.Contains("记录链完整", await secretary.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await secretary.Locator("svg.diagram g.step.ahead").CountAsync()); // the diagram: every step of the main path done
        Assert.Equal(11, await secretary.Locator("svg.diagram g.step.done").CountAsync());
        Assert.Contains("会议记录", await secretary.InnerTextAsync("ol.timeline"), StringComparison.Ordinal); // events named in words
        await ShotAsync(secretary, "proposal-archived");
        // The county auditor: finds it by who acted on it, reads it with no form to act, prints its dossier.
        var auditor = await browser.SignedInAsync("auditor");
        await auditor.GotoAsync("/?actor=reviewer-109&status=ended");
        await ShotAsync(auditor, "home-auditor");

        // Two at a time: the next page keeps the filters and shows the next two.
        await auditor.GotoAsync("/?status=running&limit=2");
        var first = await auditor.Locator("#proposals ~ table tbody tr").AllInnerTextsAsync();
        await auditor.ClickAsync("nav.pages a:has-text('下一页')");
        await ArrivedAsync(auditor, "offset=2", "the next page");
        Assert.Contains("status=running", auditor.Url, StringComparison.Ordinal);
        var second = await auditor.Locator("#proposals ~ table tbody tr").AllInnerTextsAsync();
        Assert.Equal(2, first.Count);
        Assert.NotEmpty(second);
        Assert.Empty(first.Intersect(second));
        await auditor.GotoAsync("/?actor=reviewer-109&status=ended");
        await auditor.ClickAsync($"a[href='/proposals/{Uri.EscapeDataString(id)}']");
        await ArrivedAsync(auditor, "/proposals/", "the auditor opening the proposal");
        Assert.Equal(0, await auditor.Locator("form.action").CountAsync());
        await ShotAsync(auditor, "proposal-auditor");
        var dossier = await auditor.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}/dossier");
        Assert.Equal(200, dossier!.Status);
        Assert.Contains("议题档案", await auditor.InnerTextAsync("h1"), StringComparison.Ordinal);
        await ShotAsync(auditor, "dossier");
        var filed = await auditor.PdfAsync(new PagePdfOptions { Format = "A4", Path = Path.Combine(browser.Screenshots, "dossier.pdf") });
        Assert.True(filed.Length > 1000, "the dossier did not print");
        Assert.True(PdfPages(filed) >= 3, "the dossier is a cover, the steps and the appendix, each from a new page");

        // The meetings' papers: one 会议记录 to a printed page, filled from the records.
        await auditor.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}/papers");
        var minutes = await auditor.Locator("section.minutes").CountAsync();
        Assert.True(minutes >= 4, $"{minutes} meetings' minutes for the four deliberations");
        await auditor.EmulateMediaAsync(new() { Media = Media.Print });
        await ShotAsync(auditor, "minutes-print");
        var minutesPdf = await auditor.PdfAsync(new PagePdfOptions { Format = "A4", Path = Path.Combine(browser.Screenshots, "minutes.pdf") });
        Assert.True(PdfPages(minutesPdf) >= minutes, "every meeting's minutes begins a page");
        await auditor.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}/dossier");
        await ShotAsync(auditor, "dossier-print");

        var phone = await browser.SignedInAsync("xiwan-chair", 360);
        await phone.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        await ShotAsync(phone, "proposal-phone");
        await phone.GotoAsync("/");
        await ShotAsync(phone, "home-phone");

        // The village's noticeboard shows both disclosures; the notice prints on A4 with its QR code.
        var villager = await browser.AnonymousAsync();
        await FindVillageAsync(villager, "西湾", "西湾村");
        await ShotAsync(villager, "noticeboard");
        var notice = villager.Locator("article.notice-card h2 a", new() { HasTextString = "浏览器测试：修建村文化广场" }).First;
        await notice.ClickAsync();
        await ArrivedAsync(villager, "/notices/", "opening a notice");
        Assert.Equal(1, await villager.Locator(".qr-code svg").CountAsync());
        Assert.Contains("事件哈希", await villager.InnerTextAsync(".proof"), StringComparison.Ordinal);
        await ShotAsync(villager, "notice");
        var printed = await villager.PdfAsync(new PagePdfOptions { Format = "A4", Path = Path.Combine(browser.Screenshots, "notice.pdf") });
        Assert.True(printed.Length > 1000, "the notice did not print");
        Assert.Equal(1, PdfPages(printed)); // a notice is posted as one sheet
        await villager.EmulateMediaAsync(new() { Media = Media.Print });
        await ShotAsync(villager, "notice-print");
    }

    /// <summary>The pages of a PDF as Chromium writes it (page objects uncompressed).</summary>
    private static int PdfPages(byte[] pdf) =>
        System.Text.RegularExpressions.Regex.Count(System.Text.Encoding.Latin1.GetString(pdf), @"/Type\s*/Page(?![s\w])");

    private async Task FillAsync(ILocator form, string action, string step, JsonElement view, IPage admin, IPage page)
    {
        switch (action)
        {
            case "complete-task":
                var options = await form.Locator("select[name=outcome] option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
                await form.Locator("select[name=outcome]").SelectOptionAsync(Walker.Ordinary.First(options.Contains));
                break;
            case "record-meeting":
                var m = Walker.Meetings[step];
                var entered = view.GetProperty("currentStep").GetProperty("enteredAt").GetDateTimeOffset();
                await AdvanceAsync(admin, m.NoticeDays + 1);
                await page.ReloadAsync();
                form = page.Locator("form.action[id='f-record-meeting']");
                await form.Locator("select[name='record.meetingKind']").SelectOptionAsync(m.Kind);
                await form.Locator("input[name='record.heldAt']").FillAsync(Local(entered.AddDays(m.NoticeDays).AddHours(1)));
                if (m.NoticeDays > 0)
                {
                    await form.Locator("input[name='record.noticeGivenAt']").FillAsync(Local(entered.AddMinutes(1)));
                }

                await form.Locator("input[name='record.members']").FillAsync(m.Members.ToString(CultureInfo.InvariantCulture));
                await form.Locator("input[name='record.present']").FillAsync((m.Members - 1).ToString(CultureInfo.InvariantCulture));
                await form.Locator("input[name='record.yes']").FillAsync((m.Members - 2).ToString(CultureInfo.InvariantCulture));
                await form.Locator("input[name='record.no']").FillAsync("1");
                await form.Locator("input[name='record.abstain']").FillAsync("0");
                await form.Locator("textarea[name='record.minutes']").FillAsync("会议记录：议程、讨论、表决结果。");
                if (m.Attendee)
                {
                    await form.Locator("input[name='record.townshipAttendee']").FillAsync("孙干部");
                }

                break;
            case "review":
                // The reviewer reads the meetings' numbers and minutes inside the form before deciding.
                var basis = await form.Locator(".decides").InnerTextAsync();
                Assert.Contains("应到", basis, StringComparison.Ordinal);
                Assert.Contains("表决通过", basis, StringComparison.Ordinal);
                Assert.Contains("会议记录", basis, StringComparison.Ordinal);
                await form.Locator("select[name=decision]").SelectOptionAsync("approve");
                await form.Locator("textarea[name=reasons]").FillAsync("符合规划，同意。");
                break;
            case "countersign":
                await form.Locator("textarea[name=opinion]").FillAsync("同意公开");
                break;
            case "publish":
                await form.Locator("textarea[name=noticeText]").FillAsync("公示：" + view.GetProperty("title").GetString());
                break;
            case "close-disclosure":
                var closable = view.GetProperty("disclosure").GetProperty("closableFrom").GetDateTimeOffset();
                var now = (await browser.Api.Post("/api/admin/clock", new { advanceDays = 0.001 }, await browser.TokenFor("admin"))).Json.GetProperty("now").GetDateTimeOffset();
                if (closable > now)
                {
                    await AdvanceAsync(admin, Math.Ceiling((closable - now).TotalDays) + 1);
                }

                await page.ReloadAsync();
                form = page.Locator("form.action[id='f-close-disclosure']");
                break;
            case "report-progress":
                await form.Locator("select[name=stage]").SelectOptionAsync("after");
                await form.Locator("textarea[name=summary]").FillAsync("工程完工，验收合格。");
                await form.Locator("input[name=costYuan]").FillAsync("51000");
                break;
            case "complete-implementation":
                await form.Locator("textarea[name=summary]").FillAsync("按方案完成。");
                await form.Locator("input[name=totalCostYuan]").FillAsync("51000");
                break;
            default:
                Assert.Fail($"no form filling for {action}");
                break;
        }
    }

    [Fact]
    public async Task A_rule_violation_is_shown_to_the_clerk_in_words_with_the_rule_named()
    {
        var walker = new Walker(browser);
        var id = await walker.StartAsync("浏览器测试：规则提示");
        await walker.StepAsync(id); // accepted: now the branch meeting
        var secretary = await browser.SignedInAsync("xiwan-secretary");
        await secretary.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        var form = secretary.Locator("form.action[id='f-record-meeting']");
        var entered = (await ViewAsync(id)).GetProperty("currentStep").GetProperty("enteredAt").GetDateTimeOffset();
        await form.Locator("select[name='record.meetingKind']").SelectOptionAsync("branch-committee");
        await form.Locator("input[name='record.heldAt']").FillAsync(Local(entered.AddHours(1)));
        await form.Locator("input[name='record.members']").FillAsync("7");
        await form.Locator("input[name='record.present']").FillAsync("9"); // more present than members
        await form.Locator("input[name='record.yes']").FillAsync("5");
        await form.Locator("input[name='record.no']").FillAsync("0");
        await form.Locator("input[name='record.abstain']").FillAsync("0");
        await form.Locator("textarea[name='record.minutes']").FillAsync("会议记录");
        await form.Locator("button[type=submit]").ClickAsync();
        await secretary.WaitForLoadStateAsync();

        var alert = await secretary.InnerTextAsync("[role=alert]");
        Assert.Contains("未能办理", alert, StringComparison.Ordinal);
        Assert.Matches("[\u4e00-\u9fff]{4,}", alert); // said in Chinese words, not a code
        Assert.Contains("规则：meeting.", await secretary.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal("9", await form.Locator("input[name='record.present']").InputValueAsync()); // what was typed is still there
        Assert.Equal("会议记录", await form.Locator("textarea[name='record.minutes']").InputValueAsync());
        await ShotAsync(secretary, "rule-violation");
        Assert.Equal("branch-proposal", (await ViewAsync(id)).GetProperty("currentStep").GetProperty("id").GetString()); // nothing recorded

        // The secretary then withdraws the matter through the intervention's own form (named by the definition).
        var withdraw = secretary.Locator("form.action[id='f-intervene']");
        await withdraw.Locator("textarea[name=reason]").FillAsync("村民另有意见，暂缓办理。");
        await withdraw.Locator("button[type=submit]").ClickAsync();
        await ArrivedAsync(secretary, "done=intervene", "withdrawing");
        Assert.Equal("ended", (await ViewAsync(id)).GetProperty("status").GetString());
        Assert.Equal("withdrawn", (await ViewAsync(id)).GetProperty("currentStep").GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_supervision_committee_demands_a_rehearing_and_the_committee_answers_it_through_the_pages()
    {
        var walker = new Walker(browser);
        var id = await walker.StartAsync("浏览器测试：复议");
        await walker.StepAsync(id); // accepted
        await walker.StepAsync(id); // the branch meeting passed
        var supervisor = await browser.SignedInAsync("xiwan-supervisor");
        await supervisor.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        var demand = supervisor.Locator("form.action[id='f-demand-rehearing']");
        await demand.Locator("select[name=targetStepId]").SelectOptionAsync("branch-proposal");
        await demand.Locator("textarea[name=reasons]").FillAsync("到会人数记录不清，请重新召开。");
        await demand.Locator("button[type=submit]").ClickAsync();
        await ArrivedAsync(supervisor, "done=demand-rehearing", "demanding a rehearing");

        var secretary = await browser.SignedInAsync("xiwan-secretary");
        await secretary.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        var answer = secretary.Locator("form.action[id='f-answer-rehearing']");
        Assert.Equal("", await answer.Locator("select[name=accepted]").InputValueAsync()); // neither answer chosen in advance
        await answer.Locator("select[name=accepted]").SelectOptionAsync("true");
        await answer.Locator("textarea[name=answer]").FillAsync("同意重新召开。");
        await answer.Locator("button[type=submit]").ClickAsync();
        await ArrivedAsync(secretary, "done=answer-rehearing", "answering the rehearing");
        var history = (await browser.Api.Get($"/api/proposals/{id}/history", await browser.TokenFor("xiwan-secretary"))).Json;
        Assert.Contains(history.GetProperty("events").EnumerateArray(), e => e.GetProperty("record").GetProperty("type").GetString() == "RehearingAnswered");
    }

    [Fact]
    public async Task A_user_of_another_village_is_refused_and_a_form_without_its_token_is_refused()
    {
        var walker = new Walker(browser);
        var id = await walker.StartAsync("浏览器测试：外村拒绝");
        var other = await browser.SignedInAsync("nanguan-chair");
        var response = await other.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        Assert.Equal(403, response!.Status);
        Assert.Contains("规则：auth.", await other.InnerTextAsync("main"), StringComparison.Ordinal);
        await ShotAsync(other, "foreign-village-refused");

        // A post from elsewhere (no anti-forgery token) changes nothing.
        var version = (await ViewAsync(id)).GetProperty("version").GetInt32();
        var chair = await browser.SignedInAsync("xiwan-secretary");
        var forged = await chair.APIRequest.PostAsync($"/proposals/{Uri.EscapeDataString(id)}/act/complete-task",
            new APIRequestContextOptions { Form = FormOf(chair.APIRequest, ("stepId", "intake"), ("outcome", "accepted")) });
        Assert.Equal(400, forged.Status);
        Assert.Equal(version, (await ViewAsync(id)).GetProperty("version").GetInt32());

        // Anonymous visitors are sent to sign in; the sign-in page itself is accessible.
        var anonymous = await browser.AnonymousAsync(360);
        await anonymous.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        Assert.Contains("/login", anonymous.Url, StringComparison.Ordinal);
        await ShotAsync(anonymous, "login-phone");
        // Five wrong passwords lock the account; the sixth attempt, even with the right one, is refused in the words a wrong password
        // gets (which say that the account may be locked), so the page tells no one whether the account exists or is locked.
        for (var i = 0; i < 5; i++)
        {
            await anonymous.GotoAsync("/login");
            await anonymous.FillAsync("#userName", "lijiashan-committee");
            await anonymous.FillAsync("#password", "wrong-" + i);
            await anonymous.ClickAsync("form.narrow button[type=submit]");
            await anonymous.WaitForLoadStateAsync();
            Assert.Contains("/login", anonymous.Url, StringComparison.Ordinal);
        }

        await anonymous.GotoAsync("/login");
        await anonymous.FillAsync("#userName", "lijiashan-committee");
        await anonymous.FillAsync("#password", "linxian-demo");
        await anonymous.ClickAsync("form.narrow button[type=submit]");
        await anonymous.WaitForLoadStateAsync();
        Assert.Contains("锁定", await anonymous.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);

        var headers = await (await anonymous.GotoAsync("/login"))!.AllHeadersAsync();
        Assert.Contains("default-src 'none'", headers["content-security-policy"], StringComparison.Ordinal);
    }

    /// <summary>A villager finds their village on the public index by typing part of its name, and opens its noticeboard.</summary>
    private async Task FindVillageAsync(IPage page, string typed, string village, string? township = null, string? shot = null)
    {
        await page.GotoAsync("/villages");
        await page.FillAsync("#q", typed);
        await page.ClickAsync("form.search button[type=submit]");
        await ArrivedAsync(page, "q=", "searching for a village");
        if (shot is not null)
        {
            await ShotAsync(page, shot);
        }

        var section = township is null ? page.Locator(".townships section") : page.Locator(".townships section", new() { HasTextString = township });
        await section.Locator("a", new() { HasTextString = village }).First.ClickAsync();
        await ArrivedAsync(page, "/villages/", "opening the village's noticeboard");
        Assert.Contains(village, await page.InnerTextAsync("h1"), StringComparison.Ordinal);
    }

    private static IFormData FormOf(IAPIRequestContext request, params (string Name, string Value)[] fields)
    {
        var form = request.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Append(name, value);
        }

        return form;
    }

    [Fact]
    public async Task A_villager_lodges_an_objection_on_a_phone_and_gets_a_receipt_and_the_admin_pages_are_accessible()
    {
        var walker = new Walker(browser, "lijiashan");
        var id = await walker.StartAsync("浏览器测试：异议");
        var chair = await browser.TokenFor("lijiashan-chair");
        for (var i = 0; i < 30; i++)
        {
            var view = (await browser.Api.Get($"/api/proposals/{id}", chair)).Json;
            if (view.GetProperty("disclosure") is { ValueKind: JsonValueKind.Object } d && d.GetProperty("publishedAt").ValueKind != JsonValueKind.Null)
            {
                break;
            }

            await walker.StepAsync(id);
        }

        var villager = await browser.AnonymousAsync(360);
        await FindVillageAsync(villager, "李家山", "李家山村", "碛口镇", "villages-search-phone");
        await ShotAsync(villager, "noticeboard-phone");
        await villager.Locator("article.notice-card h2 a", new() { HasTextString = "浏览器测试：异议" }).First.ClickAsync();
        await ArrivedAsync(villager, "/notices/", "opening a notice");
        await ShotAsync(villager, "notice-phone");
        await villager.FillAsync("#text", "公示金额与预算不符，请说明。<script>alert(1)</script>");
        await villager.ClickAsync("form.narrow button[type=submit]");
        await villager.WaitForLoadStateAsync();
        var receipt = await villager.InnerTextAsync("[role=status]");
        Assert.Contains("回执编号", receipt, StringComparison.Ordinal);
        await ShotAsync(villager, "objection-receipt");

        // The chair reads the objection's own words inside the form that answers it.
        var chairPage = await browser.SignedInAsync("lijiashan-chair");
        await chairPage.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
        var answer = chairPage.Locator("form.action[data-action='answer-objection']").First;
        Assert.Contains("公示金额与预算不符", await answer.Locator(".decides").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("", await answer.Locator("select[name=ruling]").InputValueAsync()); // nothing chosen for the chair
        await ShotAsync(chairPage, "answer-objection");

        // The public log page publishes the verifier key an auditor keeps, and the latest signed checkpoint.
        await villager.GotoAsync("/log");
        var published = (await browser.Api.Get("/api/public/log/key")).Text.Trim();
        Assert.Contains(published, await villager.InnerTextAsync("main"), StringComparison.Ordinal);
        await ShotAsync(villager, "public-log");
        var view2 = (await browser.Api.Get($"/api/proposals/{id}", chair)).Json;
        Assert.NotEmpty(view2.GetProperty("disclosure").GetProperty("objections").EnumerateArray());

        var admin = await browser.SignedInAsync("admin");
        await admin.GotoAsync("/admin");
        Assert.Contains("/hangfire", await admin.InnerHTMLAsync("main"), StringComparison.Ordinal);
        await ShotAsync(admin, "admin");
        // Add a user through the form: the generated password is shown once and signs in.
        await admin.FillAsync("#nu-userName", "lijiashan-clerk2");
        await admin.FillAsync("#nu-displayName", "新文书（李家山村）");
        await admin.SelectOptionAsync("#nu-role", "committee-member");
        await admin.SelectOptionAsync("#nu-area", (await browser.Api.Get($"/api/proposals/{id}", chair)).Json.GetProperty("villagePath").GetString()!);
        await admin.ClickAsync("#new-user button[type=submit]");
        await admin.WaitForLoadStateAsync();
        var shown = await admin.InnerTextAsync("[role=status]");
        var password = shown.Split('：')[1].Split('（')[0].Trim();
        Assert.True((await browser.Api.Post("/api/auth/login", new { userName = "lijiashan-clerk2", password })).Code == 200, shown);

        // Disable that user on their page: signing in is then refused.
        await admin.GotoAsync("/admin");
        await admin.ClickAsync("a:text('lijiashan-clerk2')");
        await admin.CheckAsync("input[name=disabled]");
        await admin.ClickAsync("#user-form button[type=submit]");
        await admin.WaitForLoadStateAsync();
        await NoErrorAsync(admin, "disabling a user");
        await ShotAsync(admin, "admin-user");
        Assert.NotEqual(200, (await browser.Api.Post("/api/auth/login", new { userName = "lijiashan-clerk2", password })).Code);

        // The Hangfire dashboard opens for the signed-in administrator (the session cookie), not for a clerk.
        Assert.Equal(200, (await admin.GotoAsync("/hangfire"))!.Status);
        Assert.NotEqual(200, (await (await browser.SignedInAsync("xiwan-chair")).GotoAsync("/hangfire"))!.Status);

        await admin.GotoAsync("/language?to=en&return=/villages");
        Assert.Contains("Village noticeboards", await admin.InnerTextAsync("h1"), StringComparison.Ordinal);
        await ShotAsync(admin, "villages-en");
    }
}
