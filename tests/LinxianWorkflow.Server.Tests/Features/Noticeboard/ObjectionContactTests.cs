using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Noticeboard;

/// <summary>
/// A contact an objector leaves is personal data (PIPL): never in the immutable history (the event holds a keyed
/// commitment), shown to those who answer, erasable by the area's administrator once the proposal has ended, and
/// the history and the log verify after erasure. Over HTTP on PostgreSQL.
/// </summary>
public sealed class ObjectionContactTests(PostgresService service) : IClassFixture<PostgresService>
{
    private const string Phone = "13912345678";

    [Fact]
    public async Task A_contact_stays_out_of_the_history_is_seen_by_those_who_answer_and_is_erased_after_the_end_with_the_history_intact()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("异议联系方式测试");
        for (var i = 0; i < 40 && !await PublishedAsync(id); i++)
        {
            Assert.True(await walker.StepAsync(id), "the proposal ended before its disclosure was posted");
        }

        var lodged = await service.Api.Post($"/api/public/proposals/{id}/objections", new { text = "补偿标准没有公示", contact = Phone });
        Assert.True(lodged.Code == 201, lodged.ToString());
        var receipt = lodged.Json.GetProperty("receiptNumber").GetString()!;
        var tooLong = await service.Api.Post($"/api/public/proposals/{id}/objections", new { text = "再提一条", contact = new string('1', 101) });
        Assert.Equal((422, "objection.contact-too-long"), (tooLong.Code, tooLong.Rule));

        // The history: the objection's text and a commitment, not the number.
        var reviewer = await service.TokenFor("reviewer-109");
        var history = await service.Api.Get($"/api/proposals/{id}/history", reviewer);
        Assert.DoesNotContain(Phone, history.Text, StringComparison.Ordinal);
        var record = history.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("record"))
            .Single(r => r.GetProperty("type").GetString() == "ObjectionLodged");
        var commitment = record.GetProperty("data").GetProperty("contactCommitment").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", commitment);
        Assert.DoesNotContain(Phone, (await service.Api.Get($"/api/proposals/{id}/dossier", reviewer)).Text, StringComparison.Ordinal);

        // Those who answer see it beside the objection; the county auditor does not.
        using (var chair = new PageSession(service.Server.Url))
        {
            await chair.SignInAsync("xiwan-chair");
            Assert.Contains(Phone, (await chair.GetAsync($"/proposals/{id}")).Html, StringComparison.Ordinal);
        }

        // A county auditor who is also another village's committee member reads this proposal as an auditor: no contact.
        var mixedName = "mixed-" + Guid.NewGuid().ToString("N")[..8];
        var mixed = await service.Api.Post("/api/users", new
        {
            userName = mixedName,
            displayName = "兼职审计",
            password = "mixed-password-1",
            grants = new[] { new { role = "county-auditor", scope = "141124" }, new { role = "committee-member", scope = "141124/141124109/141124109230" } },
        }, await service.TokenFor("admin"));
        Assert.True(mixed.Code == 201, mixed.ToString());
        using (var both = new PageSession(service.Server.Url))
        {
            await both.SignInAsync(mixedName, "mixed-password-1");
            var page = await both.GetAsync($"/proposals/{id}");
            Assert.Contains(receipt, page.Html, StringComparison.Ordinal);
            Assert.DoesNotContain(Phone, page.Html, StringComparison.Ordinal);
        }

        using (var auditor = new PageSession(service.Server.Url))
        {
            await auditor.SignInAsync("auditor");
            var page = await auditor.GetAsync($"/proposals/{id}");
            Assert.Contains(receipt, page.Html, StringComparison.Ordinal);
            Assert.DoesNotContain(Phone, page.Html, StringComparison.Ordinal);
        }

        // Not while the matter is open, not by anyone but an administrator.
        var admin = await service.TokenFor("admin");
        var early = await service.Api.Send(HttpMethod.Delete, $"/api/proposals/{id}/objection-contacts", null, admin);
        Assert.Equal((409, "privacy.not-archived"), (early.Code, early.Rule));
        var secretary = await service.Api.Send(HttpMethod.Delete, $"/api/proposals/{id}/objection-contacts", null, await service.TokenFor("xiwan-secretary"));
        Assert.Equal(403, secretary.Code);

        var answered = await service.Api.Post($"/api/proposals/{id}/actions/answer-objection",
            new { stepId = "resolution-disclosure", objectionId = receipt, answer = "标准已补充公示。", ruling = "dismissed" }, await service.TokenFor("xiwan-chair"));
        Assert.True(answered.Code == 200, answered.ToString());
        var ended = await walker.WalkToEndAsync(id);
        Assert.Equal("ended", ended.GetProperty("status").GetString());

        var erased = await service.Api.Send(HttpMethod.Delete, $"/api/proposals/{id}/objection-contacts", null, admin);
        Assert.True(erased.Code == 200, erased.ToString());
        Assert.Equal(1, erased.Json.GetProperty("erased").GetInt32());

        using (var chair = new PageSession(service.Server.Url))
        {
            await chair.SignInAsync("xiwan-chair");
            var page = (await chair.GetAsync($"/proposals/{id}")).Html;
            Assert.DoesNotContain(Phone, page, StringComparison.Ordinal);
            Assert.Contains("已按规定删除", page, StringComparison.Ordinal);
        }

        // The record is as it was, and it still verifies against the signed log.
        var after = await service.Api.Get($"/api/proposals/{id}/history", reviewer);
        Assert.True(after.Json.GetProperty("intact").GetBoolean());
        Assert.Contains(commitment, after.Text, StringComparison.Ordinal);
        await new LogReader(service).LoggedAsync(id);
        var verification = (await service.Api.Get($"/api/proposals/{id}/verification", reviewer)).Json;
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
    }

    private async Task<bool> PublishedAsync(string id)
    {
        var view = (await service.Api.Get($"/api/proposals/{id}", await service.TokenFor("xiwan-secretary"))).Json;
        return view.GetProperty("disclosure") is { ValueKind: JsonValueKind.Object } d && d.GetProperty("publishedAt").ValueKind != JsonValueKind.Null;
    }
}
