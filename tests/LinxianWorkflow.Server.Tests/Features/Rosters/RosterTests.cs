using System.Globalization;
using System.Net;
using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Rosters;

/// <summary>
/// A village's member registers: kept by its cadres, read by those who may read its matters, never public; the 签到表
/// lists the registered names; an exclusion is written with its reason in words and printed in words.
/// </summary>
public abstract class RosterTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture
{
    private const string Lijiashan = "141124109230";
    private static object Body(params string[] names) => new { members = names };

    private static readonly string[] PartyMembers = ["张建国", "李秀英", "王文明", "赵红梅"];

    [Fact]
    public async Task A_register_is_kept_by_the_village_checked_name_by_name_and_read_only_by_those_who_may_read_the_village()
    {
        var secretary = await service.TokenFor("lijiashan-secretary");
        var path = $"/api/villages/{Lijiashan}/rosters";

        var saved = await service.Api.Put(path + "/party-members", Body(" 张建国 ", "", "李秀英", "  "), secretary);
        Assert.True(saved.Code == 200, saved.ToString());
        Assert.Equal(["张建国", "李秀英"], saved.Json.GetProperty("members").EnumerateArray().Select(m => m.GetString()!));

        var book = await service.Api.Get(path, await service.TokenFor("reviewer-109"));
        Assert.True(book.Code == 200, book.ToString());
        Assert.Equal("碛口镇李家山村", book.Json.GetProperty("villageName").GetString());
        var party = book.Json.GetProperty("rosters").EnumerateArray().Single(r => r.GetProperty("meetingKind").GetString() == "party-members");
        Assert.Equal(2, party.GetProperty("members").GetArrayLength());
        Assert.Empty(book.Json.GetProperty("editable").EnumerateArray()); // the township's reviewer reads; the village keeps its registers
        var secretaryBook = await service.Api.Get(path, secretary);
        Assert.Contains("party-members", secretaryBook.Json.GetProperty("editable").EnumerateArray().Select(k => k.GetString()));
        Assert.DoesNotContain("villager-representatives", secretaryBook.Json.GetProperty("editable").EnumerateArray().Select(k => k.GetString()));
        var change = secretaryBook.Json.GetProperty("changes").EnumerateArray().First();
        Assert.Equal(("party-members", 2), (change.GetProperty("meetingKind").GetString(), change.GetProperty("members").GetInt32()));

        // Refusals, each by its rule, and nothing saved by any of them.
        var duplicate = await service.Api.Put(path + "/party-members", Body("张建国", "张建国"), secretary);
        Assert.Equal((400, "roster.duplicate"), (duplicate.Code, duplicate.Rule));
        Assert.Contains("张建国（东）", duplicate.Text, StringComparison.Ordinal);
        var control = await service.Api.Put(path + "/party-members", Body("张\u0001建国"), secretary);
        Assert.Equal((400, "input.control-character"), (control.Code, control.Rule));
        var nullName = await service.Api.Put(path + "/party-members", new { members = new[] { "张建国", null } }, secretary);
        Assert.Equal((400, "input.field"), (nullName.Code, nullName.Rule));
        var longName = await service.Api.Put(path + "/party-members", Body(new string('张', 33)), secretary);
        Assert.Equal((400, "roster.name"), (longName.Code, longName.Rule));
        var kind = await service.Api.Put(path + "/no-such-meeting", Body("张建国"), secretary);
        Assert.Equal((404, "roster.kind"), (kind.Code, kind.Rule));
        var village = await service.Api.Put("/api/villages/999999999999/rosters/party-members", Body("张建国"), secretary);
        Assert.Equal((404, "roster.village"), (village.Code, village.Rule));
        var auditor = await service.Api.Put(path + "/party-members", Body("张建国"), await service.TokenFor("auditor"));
        Assert.Equal(403, auditor.Code);

        // Each register is kept by those who record its meeting: the chair keeps the representatives', not the party members';
        // the supervision committee, which watches the cadres, keeps none.
        var chair = await service.TokenFor("lijiashan-chair");
        var notTheChairs = await service.Api.Put(path + "/party-members", Body("张建国"), chair);
        Assert.Equal((403, "roster.keeper"), (notTheChairs.Code, notTheChairs.Rule));
        Assert.Contains("村党组织书记", notTheChairs.Text, StringComparison.Ordinal);
        var representatives = await service.Api.Put(path + "/villager-representatives", Body("王代表", "赵代表"), chair);
        Assert.True(representatives.Code == 200, representatives.ToString());
        var supervisor = await service.Api.Put(path + "/villager-representatives", Body("张建国"), await service.TokenFor("lijiashan-supervisor"));
        Assert.Equal((403, "roster.keeper"), (supervisor.Code, supervisor.Rule));
        var elsewhere = await service.Api.Put(path + "/party-members", Body("张建国"), await service.TokenFor("xiwan-secretary"));
        Assert.Equal((403, "auth.jurisdiction"), (elsewhere.Code, elsewhere.Rule));
        var read = await service.Api.Get(path, await service.TokenFor("xiwan-secretary"));
        Assert.Equal((403, "auth.jurisdiction"), (read.Code, read.Rule));
        var anonymous = await service.Api.Get(path, null);
        Assert.Equal(401, anonymous.Code);
        var after = (await service.Api.Get(path, secretary)).Json.GetProperty("rosters").EnumerateArray()
            .Single(r => r.GetProperty("meetingKind").GetString() == "party-members");
        Assert.Equal(["张建国", "李秀英"], after.GetProperty("members").EnumerateArray().Select(m => m.GetString()!));

        // Never on the public side.
        using var villager = new PageSession(service.Server.Url);
        var board = await villager.GetAsync("/villages/" + Lijiashan);
        Assert.DoesNotContain("李秀英", board.Html, StringComparison.Ordinal);
        var page = await villager.GetAsync("/rosters/" + Lijiashan);
        Assert.Equal(HttpStatusCode.Redirect, page.Status); // to the sign-in page, not the register
        Assert.StartsWith("/login", page.Response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("李秀英", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_sheet_lists_the_register_and_an_exclusion_written_in_words_is_recorded_and_printed_in_words()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("名册测试：村内路灯");
        string? Kind(JsonElement view) => view.GetProperty("actions").EnumerateArray()
            .SelectMany(a => a.TryGetProperty("meetings", out var m) && m.ValueKind == JsonValueKind.Array ? m.EnumerateArray() : [])
            .Select(m => m.GetProperty("meetingKind").GetString()).FirstOrDefault();
        var secretaryToken = await service.TokenFor("xiwan-secretary");
        for (var i = 0; i < 10 && Kind((await service.Api.Get($"/api/proposals/{id}", secretaryToken)).Json) != "party-members"; i++)
        {
            Assert.True(await walker.StepAsync(id));
        }

        // The register through the page, as a clerk keeps it: one name to a line.
        using var secretary = new PageSession(service.Server.Url);
        await secretary.SignInAsync("xiwan-secretary");
        var rosters = await secretary.GetAsync("/rosters/141124109207");
        var form = rosters.Document.QuerySelector("#roster-party-members form")!;
        var fields = PageSession.Fields(form).Where(f => f.Key != "members").Append(new("members", string.Join("\n", PartyMembers))).ToList();
        var saved = await secretary.PostAsync(form.GetAttribute("action")!, fields);
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Equal(PartyMembers, saved.Document.QuerySelectorAll("#roster-party-members textarea").Single().TextContent.Split('\n'));

        var papers = (await secretary.GetAsync($"/proposals/{Uri.EscapeDataString(id)}/papers")).Document;
        var sheet = papers.QuerySelectorAll("section.sign-in-sheet").Single(s => s.QuerySelector(".paper-title")!.TextContent.StartsWith("党员大会", StringComparison.Ordinal));
        Assert.Equal(PartyMembers, sheet.QuerySelectorAll("tbody tr").Select(r => r.Children[1].TextContent));
        Assert.Equal("名册登记 4 人", sheet.QuerySelector("caption")!.TextContent);
        Assert.Contains("患重病", sheet.QuerySelector(".exclusion-reasons")!.TextContent, StringComparison.Ordinal);

        // The meeting recorded through the page form, the exclusion's reason in words.
        var proposal = await secretary.GetAsync($"/proposals/{Uri.EscapeDataString(id)}");
        var meeting = proposal.Document.QuerySelector("#f-record-meeting")!;
        Assert.Contains("患重病", meeting.QuerySelector(".hint[id$='-reasons']")!.TextContent, StringComparison.Ordinal);
        var view = (await service.Api.Get($"/api/proposals/{id}", secretaryToken)).Json;
        var entered = view.GetProperty("currentStep").GetProperty("enteredAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8));
        await walker.AdvanceDaysAsync(4);
        string Local(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        var values = new Dictionary<string, string>
        {
            ["record.meetingKind"] = "party-members",
            ["record.heldAt"] = Local(entered.AddDays(3).AddHours(1)),
            ["record.noticeGivenAt"] = Local(entered.AddMinutes(1)),
            ["record.members"] = "4",
            ["record.exclusions"] = "李秀英：患重病",
            ["record.present"] = "3",
            ["record.yes"] = "3",
            ["record.no"] = "0",
            ["record.abstain"] = "0",
            ["record.minutes"] = "党员大会审议路灯方案。",
            ["record.townshipAttendee"] = "孙干部",
        };
        var posted = PageSession.Fields(meeting).Where(f => !values.ContainsKey(f.Key)).Concat(values).ToList();
        var answer = await secretary.PostAsync(meeting.GetAttribute("action")!, posted);
        Assert.True(answer.Status == HttpStatusCode.Redirect, answer.Document.QuerySelector("div.error")?.TextContent + " " + answer.Document.QuerySelector("p.rule")?.TextContent);
        Assert.EndsWith("?done=record-meeting", answer.Response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var recorded = (await service.Api.Get($"/api/proposals/{id}/history", secretaryToken)).Json.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("record")).Last(r => r.GetProperty("type").GetString() == "MeetingRecorded");
        var exclusion = recorded.GetProperty("data").GetProperty("record").GetProperty("exclusions").EnumerateArray().Single();
        Assert.Equal(("李秀英", "seriously-ill"), (exclusion.GetProperty("member").GetString(), exclusion.GetProperty("reason").GetString()));
        Assert.Equal(3, recorded.GetProperty("data").GetProperty("due").GetInt32());

        var minutes = (await secretary.GetAsync($"/proposals/{Uri.EscapeDataString(id)}/papers")).Document.QuerySelectorAll("section.minutes")
            .Single(s => s.QuerySelector(".paper-title")!.TextContent.StartsWith("党员大会", StringComparison.Ordinal));
        Assert.Contains("李秀英（患重病）", minutes.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("seriously-ill", minutes.TextContent, StringComparison.Ordinal);
    }
}

public sealed class SqliteRosterTests(SqliteService service) : RosterTests<SqliteService>(service);

public sealed class PostgresRosterTests(PostgresService service) : RosterTests<PostgresService>(service);
