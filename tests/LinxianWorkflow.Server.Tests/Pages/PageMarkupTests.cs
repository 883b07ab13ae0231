using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Dom;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Pages;

/// <summary>
/// The pages' markup without a browser: each page fetched over real HTTP and parsed. Every page has its language,
/// title and one h1; every label names a field that exists; ids are unique; every posted form carries its
/// anti-forgery token; villages are named, not numbered; every page is under 100 KB. A refused form comes back with
/// what was typed and the refusal inside it; no consequential option is chosen in advance.
/// </summary>
public sealed partial class PageMarkupTests(SqliteService service) : IClassFixture<SqliteService>
{
    private const int PageBudget = 100 * 1024;

    private static void AssertWellFormed(string path, string html, IDocument document)
    {
        Assert.True(Encoding.UTF8.GetByteCount(html) < PageBudget, $"{path}: {Encoding.UTF8.GetByteCount(html)} bytes");
        Assert.False(string.IsNullOrWhiteSpace(document.DocumentElement.GetAttribute("lang")), path);
        Assert.False(string.IsNullOrWhiteSpace(document.Title), path);
        Assert.Single(document.QuerySelectorAll("h1"));
        var ids = document.QuerySelectorAll("[id]").Select(e => e.Id!).ToList();
        Assert.True(ids.Count == ids.Distinct(StringComparer.Ordinal).Count(), $"{path}: duplicate ids {string.Join(", ", ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key))}");
        foreach (var label in document.QuerySelectorAll("label[for]"))
        {
            Assert.True(document.GetElementById(label.GetAttribute("for")!) is not null, $"{path}: label for '{label.GetAttribute("for")}' names no field");
        }

        foreach (var form in document.QuerySelectorAll("form[method=post]"))
        {
            Assert.True(form.QuerySelector("input[name=__af]") is not null, $"{path}: form {form.Id ?? form.GetAttribute("action")} has no anti-forgery token");
        }

        // Names, not codes: no 12-digit village code in what a person reads (addresses and hidden values aside).
        var main = document.QuerySelector("main")!.TextContent;
        Assert.False(VillageCode().IsMatch(main), $"{path}: a village code in the text: {VillageCode().Match(main).Value}");
    }

    [GeneratedRegex(@"(?<![\dA-Za-z-])1411\d{8}(?![\dA-Za-z-])")]
    private static partial Regex VillageCode();

    [Fact]
    public async Task Every_page_a_person_reads_is_well_formed_named_and_light()
    {
        using var secretary = new PageSession(service.Server.Url);
        await secretary.SignInAsync("xiwan-secretary");
        var home = await secretary.GetAsync("/");
        var proposal = home.Document.QuerySelector("#proposals ~ table a")!.GetAttribute("href")!;
        using var admin = new PageSession(service.Server.Url);
        await admin.SignInAsync("admin");
        var users = await admin.GetAsync("/admin");
        var user = users.Document.QuerySelector("#users ~ table a")!.GetAttribute("href")!;
        using var villager = new PageSession(service.Server.Url);
        var villages = await villager.GetAsync("/villages");
        var board = villages.Document.QuerySelector(".townships a")!.GetAttribute("href")!;
        var notice = (await villager.GetAsync("/villages/141124109230")).Document.QuerySelector("article.notice-card a")!.GetAttribute("href")!;

        foreach (var (session, path) in new[]
        {
            (secretary, "/"), (secretary, "/proposals/new"), (secretary, proposal), (secretary, proposal + "/papers"), (secretary, "/rosters/141124109207"), (secretary, "/?status=ended"), (admin, "/admin"), (admin, user), (admin, "/overview"),
            (villager, "/villages"), (villager, "/villages?q=" + Uri.EscapeDataString("西湾")), (villager, board), (villager, notice), (villager, "/log"), (villager, "/login"),
        })
        {
            var page = await session.GetAsync(path);
            Assert.True(page.Status == HttpStatusCode.OK, $"{path}: {page.Status}");
            Assert.Equal("text/html; charset=utf-8", page.Response.Content.Headers.ContentType?.ToString());
            Assert.Contains("default-src 'none'", page.Response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            AssertWellFormed(path, page.Html, page.Document);
        }
    }

    [Fact]
    public async Task Meeting_papers_print_the_notice_sign_in_sheet_and_ballot_before_and_the_minutes_after()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("文书测试：修建村卫生室");
        Assert.True(await walker.StepAsync(id)); // intake accepted: the branch committee's meeting is next
        using var secretary = new PageSession(service.Server.Url);
        await secretary.SignInAsync("xiwan-secretary");
        var before = (await secretary.GetAsync($"/proposals/{Uri.EscapeDataString(id)}/papers")).Document;
        var notice = before.QuerySelector("section.meeting-notice")!;
        Assert.Contains("文书测试：修建村卫生室", notice.QuerySelector(".agenda")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("经研究，西湾村定于下列时间召开村党组织会议", notice.TextContent, StringComparison.Ordinal);
        Assert.Equal("村党组织会议通知", notice.QuerySelector(".paper-title")!.TextContent);
        Assert.Matches(@"最早可于 \d{4}-\d{2}-\d{2} 召开", notice.TextContent);
        var sheet = before.QuerySelector("section.sign-in-sheet table.sign-in")!;
        Assert.True(sheet.QuerySelectorAll("tbody tr").Length > 0);
        Assert.NotNull(before.QuerySelector("section.ballot .choices"));
        Assert.Null(before.QuerySelector("section.minutes"));

        // Held: its minutes from the record; an auditor, who records nothing, gets the minutes only.
        Assert.True(await walker.StepAsync(id));
        using var auditor = new PageSession(service.Server.Url);
        await auditor.SignInAsync("auditor");
        var after = (await auditor.GetAsync($"/proposals/{Uri.EscapeDataString(id)}/papers")).Document;
        Assert.Null(after.QuerySelector("section.meeting-notice"));
        var minutes = Assert.Single(after.QuerySelectorAll("section.minutes"));
        var history = (await service.Api.Get($"/api/proposals/{id}/history", await service.TokenFor("auditor"))).Json.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("record")).Single(r => r.GetProperty("type").GetString() == "MeetingRecorded");
        var record = history.GetProperty("data").GetProperty("record");
        Assert.Equal($"组成人员 {record.GetProperty("members").GetInt32()} 人，应到 {history.GetProperty("data").GetProperty("due").GetInt32()} 人，实到 {record.GetProperty("present").GetInt32()} 人",
            minutes.QuerySelector(".attendance")!.TextContent);
        Assert.Equal($"同意 {record.GetProperty("yes").GetInt32()} 人，反对 {record.GetProperty("no").GetInt32()} 人，弃权 {record.GetProperty("abstain").GetInt32()} 人",
            minutes.QuerySelector(".votes")!.TextContent);
        Assert.Equal(record.GetProperty("minutes").GetString(), minutes.QuerySelector(".minutes-text")!.TextContent);
        Assert.Contains("表决通过", minutes.QuerySelector(".verdict")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notice_prints_as_a_village_posts_it_with_the_matter_the_resolution_the_period_and_the_seal()
    {
        using var villager = new PageSession(service.Server.Url);
        var board = await villager.GetAsync("/villages/141124105209");
        var path = board.Document.QuerySelector("article.notice-card a")!.GetAttribute("href")!;
        var notice = (await villager.GetAsync(path)).Document;
        var paper = notice.QuerySelector("article.paper")!;
        Assert.Equal("关于“改造村内供水管网”的公示", paper.QuerySelector(".paper-title")!.TextContent);
        var facts = paper.QuerySelector("dl.paper-facts")!.TextContent;
        Assert.Contains("更换老化供水管道2.3公里。", facts, StringComparison.Ordinal);
        Assert.Contains("210,000 元", facts, StringComparison.Ordinal);
        Assert.Contains("公益事业", facts, StringComparison.Ordinal);
        var resolution = paper.QuerySelector("dd.resolution")!.TextContent;
        Assert.Matches(@"于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}[^，]* 召开，应到 \d+ 人，实到 \d+ 人；同意 \d+ 人，反对 \d+ 人，弃权 \d+ 人，表决通过。", resolution);
        Assert.Matches(@"^自 \d{4}-\d{2}-\d{2} \d{2}:\d{2}.* 起至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}.* 止（\d+ 天）$", paper.QuerySelector("dd.period")!.TextContent);
        Assert.Contains("监督电话", paper.QuerySelector("dd.supervision")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(path, facts, StringComparison.Ordinal); // where to object, without the QR code
        var signature = paper.QuerySelector(".signature")!.TextContent;
        Assert.Contains("孙家沟", signature, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}年\d{1,2}月\d{1,2}日", signature);
        Assert.Contains("（盖章）", signature, StringComparison.Ordinal);
        Assert.NotNull(paper.QuerySelector(".qr-code svg"));
    }

    [Fact]
    public async Task The_noticeboard_search_finds_a_notice_by_words_of_its_title_with_its_village_named()
    {
        using var villager = new PageSession(service.Server.Url);
        var found = await villager.GetAsync("/villages?q=" + Uri.EscapeDataString("供水管网"));
        var notices = found.Document.QuerySelectorAll(".found-notices li");
        var notice = Assert.Single(notices);
        Assert.Equal("改造村内供水管网", notice.QuerySelector("a")!.TextContent);
        Assert.Contains("三交镇孙家沟村", notice.TextContent, StringComparison.Ordinal);
        Assert.StartsWith("/notices/", notice.QuerySelector("a")!.GetAttribute("href"), StringComparison.Ordinal);

        // LIKE's wildcards are words like any other; one character searches no titles.
        Assert.Null((await villager.GetAsync("/villages?q=" + Uri.EscapeDataString("%%"))).Document.QuerySelector(".found-notices"));
        Assert.Null((await villager.GetAsync("/villages?q=" + Uri.EscapeDataString("__"))).Document.QuerySelector(".found-notices"));
        Assert.Null((await villager.GetAsync("/villages?q=" + Uri.EscapeDataString("村"))).Document.QuerySelector(".found-notices"));
    }

    [Fact]
    public async Task A_refused_form_keeps_what_was_typed_and_says_why_inside_it()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("标记测试：保留输入");
        await walker.StepAsync(id); // accepted: now the branch meeting
        using var secretary = new PageSession(service.Server.Url);
        await secretary.SignInAsync("xiwan-secretary");
        var path = $"/proposals/{Uri.EscapeDataString(id)}";
        var page = await secretary.GetAsync(path);
        var form = page.Document.QuerySelector("form#f-record-meeting")!;

        // No consequential choice is made in advance: every select starts at an empty "请选择".
        foreach (var select in page.Document.QuerySelectorAll("form.action select"))
        {
            Assert.Equal("", select.QuerySelector("option")!.GetAttribute("value"));
            Assert.Null(select.QuerySelector("option[selected]"));
        }

        var fields = PageSession.Fields(form);
        fields.AddRange(new Dictionary<string, string>
        {
            ["record.meetingKind"] = "branch-committee",
            ["record.heldAt"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            ["record.members"] = "7",
            ["record.present"] = "9",
            ["record.yes"] = "5",
            ["record.no"] = "0",
            ["record.abstain"] = "0",
            ["record.minutes"] = "会议记录：到会九人？",
            ["record.exclusions"] = "张三：本人是承包方亲属",
        });
        var refused = await secretary.PostAsync(form.GetAttribute("action")!.Split('#')[0], fields);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        var again = refused.Document.QuerySelector("form#f-record-meeting")!;
        Assert.Contains("未能办理", again.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("9", again.QuerySelector("input[name='record.present']")!.GetAttribute("value"));
        Assert.Equal("7", again.QuerySelector("input[name='record.members']")!.GetAttribute("value"));
        Assert.Equal("会议记录：到会九人？", again.QuerySelector("textarea[name='record.minutes']")!.TextContent);
        Assert.Equal("张三：本人是承包方亲属", again.QuerySelector("textarea[name='record.exclusions']")!.TextContent);
        Assert.Equal("branch-committee", again.QuerySelector("select[name='record.meetingKind'] option[selected]")!.GetAttribute("value"));
        // The same form's key is kept (a resend is the same request); the other forms get keys of their own.
        Assert.Equal(fields.Single(f => f.Key == "_key").Value, again.QuerySelector("input[name=_key]")!.GetAttribute("value"));
        AssertWellFormed(path, refused.Html, refused.Document);
    }

    [Fact]
    public async Task A_form_posted_twice_is_done_once()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("标记测试：重复提交");
        using var secretary = new PageSession(service.Server.Url);
        await secretary.SignInAsync("xiwan-secretary");
        var path = $"/proposals/{Uri.EscapeDataString(id)}";
        var form = (await secretary.GetAsync(path)).Document.QuerySelector("form#f-complete-task")!;
        var fields = PageSession.Fields(form);
        fields.Add(new("outcome", "accepted"));
        var first = await secretary.PostAsync(form.GetAttribute("action")!.Split('#')[0], fields);
        var second = await secretary.PostAsync(form.GetAttribute("action")!.Split('#')[0], fields);
        Assert.Equal(HttpStatusCode.Redirect, first.Status);
        Assert.Equal(HttpStatusCode.Redirect, second.Status); // the first answer again, not "step not current"
        var history = (await service.Api.Get($"/api/proposals/{id}/history", await service.TokenFor("xiwan-secretary"))).Json;
        Assert.Single(history.GetProperty("events").EnumerateArray(), e => e.GetProperty("record").GetProperty("type").GetString() == "TaskCompleted");

        // After it, the banner says what was recorded, in words; a made-up ?done= is simply not spoken of.
        var done = await secretary.GetAsync(first.Response.Headers.Location!.ToString());
        Assert.Contains("议题受理：受理", done.Document.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        var junk = await secretary.GetAsync(path + "?done=%3Cscript%3E");
        Assert.Equal(HttpStatusCode.OK, junk.Status);
        Assert.Null(junk.Document.QuerySelector("[role=status]"));
    }

    [Fact]
    public async Task Every_form_posted_empty_or_with_a_NUL_is_refused_in_words_never_a_failure()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("标记测试：空表单");
        using var secretary = new PageSession(service.Server.Url);
        await secretary.SignInAsync("xiwan-secretary");
        using var admin = new PageSession(service.Server.Url);
        await admin.SignInAsync("admin");
        using var villager = new PageSession(service.Server.Url);
        var board = (await villager.GetAsync("/villages/141124105209")).Document.QuerySelector("article.notice-card a")!.GetAttribute("href")!;
        var users = await admin.GetAsync("/admin");
        var user = users.Document.QuerySelector("#users ~ table a")!.GetAttribute("href")!;
        foreach (var (session, path) in new[] { (secretary, $"/proposals/{Uri.EscapeDataString(id)}"), (secretary, "/proposals/new"), (admin, "/admin"), (admin, user), (villager, board) })
        {
            var page = await session.GetAsync(path);
            foreach (var form in page.Document.QuerySelectorAll("form[method=post]").Where(f => f.GetAttribute("action") != "/logout"))
            {
                var target = form.GetAttribute("action")?.Split('#')[0] is { Length: > 0 } action ? action : path;
                foreach (var extra in new[] { "", "\0" })
                {
                    var fields = PageSession.Fields(form);
                    foreach (var field in form.QuerySelectorAll("input:not([type=hidden]), textarea, select"))
                    {
                        fields.Add(new(field.GetAttribute("name")!, extra));
                    }

                    var reply = await session.PostAsync(target, fields);
                    Assert.True((int)reply.Status < 500, $"{path} {form.Id ?? target} with '{extra}': {(int)reply.Status} {reply.Document.QuerySelector("[role=alert]")?.TextContent}");
                }
            }
        }
    }

    [Fact]
    public async Task The_dossier_is_filed_by_step_in_words_with_its_verification_appendix()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("标记测试：档案<script>alert(1)</script>");
        for (var i = 0; i < 6; i++)
        {
            await walker.StepAsync(id);
        }

        using var auditor = new PageSession(service.Server.Url);
        await auditor.SignInAsync("auditor");
        var path = $"/proposals/{Uri.EscapeDataString(id)}/dossier";
        var page = await auditor.GetAsync(path);
        for (var i = 0; i < 100 && page.Status == HttpStatusCode.NotFound && page.Document.QuerySelector(".rule")?.TextContent.Contains("log.not-yet", StringComparison.Ordinal) == true; i++)
        {
            await Task.Delay(100); // the log's batcher writes the last records within seconds; until then the page says so
            page = await auditor.GetAsync(path);
        }

        Assert.True(page.Status == HttpStatusCode.OK, page.Document.QuerySelector("main")?.TextContent);
        AssertWellFormed(path, page.Html, page.Document);
        Assert.Contains("议题档案", page.Document.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.Document.QuerySelector("main script"));
        Assert.Contains("碛口镇西湾村", page.Document.QuerySelector(".cover")!.TextContent, StringComparison.Ordinal);

        // Every step entered has its section, in order, with its records as sentences; the appendix lists every record's hash.
        var steps = page.Document.QuerySelectorAll(".dossier-step h3").Select(h => h.TextContent).ToList();
        Assert.Contains(steps, s => s.Contains("议题受理", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.Contains("村党组织研究讨论", StringComparison.Ordinal));
        Assert.Contains("应到", page.Document.QuerySelector(".dossier-step .ev-MeetingRecorded")!.TextContent, StringComparison.Ordinal);
        var history = (await service.Api.Get($"/api/proposals/{id}/history", await service.TokenFor("auditor"))).Json.GetProperty("events").EnumerateArray().ToList();
        var hashes = page.Document.QuerySelectorAll("table.hashes code").Select(c => c.TextContent).ToList();
        Assert.Equal(history.Select(e => e.GetProperty("hash").GetString()), hashes);
        Assert.Contains("linxian verify", page.Document.QuerySelector(".appendix")!.TextContent, StringComparison.Ordinal);

        // Another village's officer gets no dossier.
        using var other = new PageSession(service.Server.Url);
        await other.SignInAsync("nanguan-chair");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(path)).Status);
    }

    [Fact]
    public async Task A_villager_follows_the_objection_by_receipt_number_and_takes_the_answer_to_the_township()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("标记测试：异议查询");
        var chair = await service.TokenFor("xiwan-chair");
        for (var i = 0; i < 30; i++)
        {
            var view = (await service.Api.Get($"/api/proposals/{id}", chair)).Json;
            if (view.GetProperty("disclosure") is { ValueKind: System.Text.Json.JsonValueKind.Object } d && d.GetProperty("publishedAt").ValueKind != System.Text.Json.JsonValueKind.Null)
            {
                break;
            }

            await walker.StepAsync(id);
        }

        // The villager objects on the notice page and is given the receipt number and where to follow it.
        using var villager = new PageSession(service.Server.Url);
        var board = await villager.GetAsync("/villages/141124109207");
        var noticePath = board.Document.QuerySelectorAll("article.notice-card a").First(a => a.TextContent.Contains("异议查询", StringComparison.Ordinal)).GetAttribute("href")!;
        var notice = await villager.GetAsync(noticePath);
        var form = notice.Document.QuerySelector("form.narrow")!;
        var fields = PageSession.Fields(form);
        fields.Add(new("text", "公示的施工单位与会议记录不一致。"));
        fields.Add(new("contact", ""));
        var lodged = await villager.PostAsync(form.GetAttribute("action")!, fields);
        Assert.Equal(HttpStatusCode.Redirect, lodged.Status); // post, then redirect: a reload lodges nothing again
        var follow = lodged.Response.Headers.Location!.ToString();
        var receipt = follow.Split("number=")[1].Split('&')[0];

        var waiting = await villager.GetAsync(follow);
        AssertWellFormed(follow, waiting.Html, waiting.Document);
        Assert.Contains(receipt, waiting.Document.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.True(waiting.Document.QuerySelector("ol.timeline") is not null, waiting.Document.QuerySelector("main")?.TextContent);
        Assert.Contains("公示的施工单位与会议记录不一致", waiting.Document.QuerySelector("ol.timeline")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("碛口镇西湾村", waiting.Document.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(waiting.Document.QuerySelector("dl.facts dd:nth-of-type(3)")); // the answer's due time

        // The committee answers; the villager reads the answer and, not satisfied, takes it to the township.
        var step = (await service.Api.Get($"/api/proposals/{id}", chair)).Json.GetProperty("currentStep").GetProperty("id").GetString();
        var answered = await service.Api.Post($"/api/proposals/{id}/actions/answer-objection",
            new { stepId = step, objectionId = receipt, answer = "施工单位以合同为准，会议记录另行更正。", ruling = "dismissed" }, chair);
        Assert.True(answered.Code == 200, answered.ToString());
        var read = await villager.GetAsync(follow);
        Assert.Contains("施工单位以合同为准", read.Document.QuerySelector("ol.timeline")!.TextContent, StringComparison.Ordinal);
        var escalate = read.Document.QuerySelector("form[action*='escalate']")!;
        var reasons = PageSession.Fields(escalate);
        reasons.Add(new("reason", "答复没有说明为什么记录不一致。"));
        var escalated = await villager.PostAsync(escalate.GetAttribute("action")!, reasons);
        Assert.Equal(HttpStatusCode.OK, escalated.Status);
        Assert.NotNull(escalated.Document.QuerySelector("[role=status]"));
        Assert.NotNull(escalated.Document.QuerySelector("ol.timeline .ev-ObjectionEscalated"));
        Assert.Null(escalated.Document.QuerySelector("form[action*='escalate']")); // once only

        // A number nobody was given finds nothing, and says so.
        var unknown = await villager.GetAsync("/receipts?number=YY0000000000");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("objection.receipt-unknown", unknown.Document.QuerySelector(".rule")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ledger_exports_readable_rows_as_xlsx_and_csv_with_formulas_neutralised()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("=HYPERLINK(\"http://x\")台账测试");
        await walker.StepAsync(id);
        using var auditor = new PageSession(service.Server.Url);
        await auditor.SignInAsync("auditor");
        var home = await auditor.GetAsync("/?status=running");
        var xlsxLink = home.Document.QuerySelector("a[href^='/api/proposals/ledger.xlsx']")!.GetAttribute("href")!;
        Assert.Contains("status=running", xlsxLink, StringComparison.Ordinal);

        var xlsx = await auditor.GetBytesAsync(xlsxLink);
        using var stream = new MemoryStream(xlsx);
        var rows = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        var row = rows.Single(r => r["议题编号"]?.ToString() == id);
        Assert.Equal("碛口镇", row["乡镇"]?.ToString());
        Assert.Equal("西湾村", row["村（社区）"]?.ToString());
        Assert.StartsWith("'=HYPERLINK", row["议题名称"]?.ToString(), StringComparison.Ordinal); // never a formula
        Assert.False(string.IsNullOrEmpty(row["议题受理"]?.ToString())); // the date each step was entered
        Assert.Equal("办理中", row["状态"]?.ToString());
        Assert.All(rows, r => Assert.Equal("办理中", r["状态"]?.ToString())); // filtered like the search

        var csv = System.Text.Encoding.UTF8.GetString(await auditor.GetBytesAsync(xlsxLink.Replace("ledger.xlsx", "ledger.csv", StringComparison.Ordinal)));
        Assert.StartsWith("\uFEFF序号,议题编号,乡镇,村（社区）", csv, StringComparison.Ordinal);
        Assert.Contains(",'=HYPERLINK", csv.Replace("\"'=", ",'=", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_on_pages_are_pages()
    {
        using var anonymous = new PageSession(service.Server.Url);
        var missing = await anonymous.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("text/html; charset=utf-8", missing.Response.Content.Headers.ContentType?.ToString());
        Assert.Contains("http.not-found", missing.Document.QuerySelector(".rule")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("DENY", missing.Response.Headers.GetValues("X-Frame-Options").Single());

        // A refusal raised outside a page's handler (the exception handler's path) is a page with the same headers.
        using var clerk = new PageSession(service.Server.Url);
        await clerk.SignInAsync("xiwan-secretary");
        var admin = await clerk.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Forbidden, admin.Status);
        Assert.Contains("auth.administrator", admin.Document.QuerySelector(".rule")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", admin.Response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var forged = await anonymous.PostAsync("/login", [new("userName", "admin"), new("password", "x")]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Contains("default-src 'none'", forged.Response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("form.rejected", forged.Document.QuerySelector(".rule")!.TextContent, StringComparison.Ordinal);

        // A return address with CR/LF in it (a header split) or another host is never followed.
        var split = await anonymous.GetAsync("/login?return=%2F%0d%0aSet-Cookie:%20x=1");
        Assert.Equal("/", split.Document.QuerySelector("input[name=return]")!.GetAttribute("value"));
        var language = await anonymous.GetAsync("/language?to=en&return=%2F%0d%0aSet-Cookie:%20x=1");
        Assert.Equal("/", language.Response.Headers.Location?.ToString());
        Assert.Equal("/", (await anonymous.GetAsync("/language?to=en&return=//evil.example")).Response.Headers.Location?.ToString());

        // A method a page does not take is refused (no anti-forgery token: 400), never a page drawn without its data
        // (a 500 before); OPTIONS is answered as the page's GET.
        Assert.Equal(HttpStatusCode.BadRequest, await anonymous.SendAsync(HttpMethod.Put, "/"));
        Assert.Equal(HttpStatusCode.BadRequest, await anonymous.SendAsync(HttpMethod.Delete, "/notices/x/1"));
        Assert.True((int)await anonymous.SendAsync(HttpMethod.Options, "/villages") < 500);

        var api = await anonymous.GetAsync("/api/no-such-thing");
        Assert.Equal("application/problem+json", api.Response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void The_page_text_has_the_same_keys_and_placeholders_in_both_languages()
    {
        static Dictionary<string, string> Read(string file) =>
            XDocument.Load(Path.Combine(Storage.GoldenEventStreams.RepositoryRoot(), "src/LinxianWorkflow.Server/Resources", file)).Root!.Elements("data")
                .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value, StringComparer.Ordinal);
        foreach (var name in new[] { "PageText", "ServerMessages" })
        {
            var zh = Read(name + ".resx");
            var en = Read(name + ".en.resx");
            Assert.Equal(zh.Keys.Order(StringComparer.Ordinal), en.Keys.Order(StringComparer.Ordinal));
            foreach (var (key, text) in zh)
            {
                Assert.True(Placeholders(text).SetEquals(Placeholders(en[key])), $"{name} {key}: '{text}' / '{en[key]}'");
            }
        }
    }

    // The placeholders' numbers (a format such as {1:00} may differ between languages; the arguments may not).
    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\{(\d+)[^}]*\}")]
    private static partial Regex Placeholder();
}
