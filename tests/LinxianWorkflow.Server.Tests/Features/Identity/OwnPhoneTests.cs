using System.Text.Json;
using LinxianWorkflow.Server.Tests.Features.Notifications;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Identity;

// A user sets their own phone number, on the page and over the API; the code goes out as the registered SMS template (checked by the
// local Tencent receiver), is good for ten minutes and five tries, sends are limited, and until it is confirmed the number gets nothing.
public sealed class OwnPhoneTests(NotifyingPostgresService service) : IClassFixture<NotifyingPostgresService>
{
    private ProviderReceiver Providers => service.Providers;

    [Fact]
    public async Task A_reviewer_sets_their_phone_on_the_page_gets_no_sms_until_the_code_is_confirmed_and_can_turn_sms_off()
    {
        var (userName, userId) = await NewReviewerAsync();
        const string Phone = "13900000201";
        using var browser = new PageSession(service.Server.Url);
        await browser.SignInAsync(userName, "linxian-demo");

        var page = await browser.GetAsync("/me/notifications");
        Assert.Contains("未填写手机号", page.Document.QuerySelector("#phone-status")!.TextContent, StringComparison.Ordinal);
        var saved = await SubmitAsync(browser, "#phone-form", ("phone", Phone));
        Assert.Equal(System.Net.HttpStatusCode.OK, saved.Status);
        Assert.Contains("未验证", saved.Document.QuerySelector("#phone-status")!.TextContent, StringComparison.Ordinal);
        var code = Providers.LastCode(Phone);

        // Unverified: a concern for the township goes to reviewer-109's verified phone, never to this number.
        var walker = new Walker(service);
        var id = await walker.StartAsync("本人验证测试：修缮村内便道");
        await Outbox.RaiseConcernAsync(service, id, "验证前标记：请说明工期。");
        await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "sms");
        Assert.DoesNotContain(Providers.Sms, s => s.Phones.Contains("+86" + Phone) && s.TemplateId != ProviderReceiver.VerifyTemplate);
        var concern = (await Outbox.NotificationsAsync(service, userName, id)).Single(n => n.GetProperty("kind").GetString() == "concern");
        Assert.DoesNotContain(concern.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("recipient").GetString() == userId);

        var wrong = await SubmitAsync(browser, "#verify-form", ("code", code == "000000" ? "111111" : "000000"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("verify.wrong-code", wrong.Document.QuerySelector("p.rule")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("还可再试 4 次", wrong.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);

        var verified = await SubmitAsync(browser, "#verify-form", ("code", code));
        Assert.Equal(System.Net.HttpStatusCode.OK, verified.Status);
        Assert.Contains("已验证", verified.Document.QuerySelector("#phone-status")!.TextContent, StringComparison.Ordinal);

        // Verified: the next concern reaches the number, by its template.
        await Outbox.RaiseConcernAsync(service, id, "验证后标记：请说明预算。");
        await Outbox.Eventually("the SMS to the verified number", () =>
            Task.FromResult(Providers.Sms.Any(s => s.Phones.Contains("+86" + Phone) && s.TemplateId == "2003" && s.Params.Any(p => p.Contains("验证后标记", StringComparison.Ordinal)))));

        // The user turns SMS off: the number stays verified, but the next concern is not sent to it.
        var off = await SubmitAsync(browser, "#channels-form", ("weCom", "true"));
        Assert.Equal(System.Net.HttpStatusCode.OK, off.Status);
        var token = await service.TokenFor(userName);
        var own = (await service.Api.Get("/api/me/addresses", token)).Json;
        Assert.Equal((true, false, true), (own.GetProperty("phoneVerified").GetBoolean(), own.GetProperty("channels").GetProperty("sms").GetBoolean(),
            own.GetProperty("channels").GetProperty("weCom").GetBoolean()));
        await Outbox.RaiseConcernAsync(service, id, "关闭短信标记：请公布名单。");
        await Outbox.Eventually("the third concern settled for reviewer-109", async () =>
            (await Outbox.NotificationsAsync(service, "reviewer-109", id)).Count(n => n.GetProperty("kind").GetString() == "concern" && Outbox.Status(n, "sms") == "sent") == 3);
        Assert.DoesNotContain(Providers.Sms, s => s.Phones.Contains("+86" + Phone) && s.Params.Any(p => p.Contains("关闭短信标记", StringComparison.Ordinal)));

        // Changing the number un-verifies it; setting the same verified number again sends nothing.
        var sent = Providers.Sms.Count;
        var again = await service.Api.Send(HttpMethod.Put, "/api/me/phone", JsonSerializer.Serialize(new { phone = Phone }), token);
        Assert.True(again.Json.GetProperty("verified").GetBoolean(), again.ToString());
        Assert.Equal(sent, Providers.Sms.Count);
        var changed = await service.Api.Send(HttpMethod.Put, "/api/me/phone", JsonSerializer.Serialize(new { phone = "13900000202" }), token);
        Assert.True(changed.Code == 200 && !changed.Json.GetProperty("verified").GetBoolean(), changed.ToString());
        Assert.False((await service.Api.Get("/api/me/addresses", token)).Json.GetProperty("phoneVerified").GetBoolean());
        var bad = await service.Api.Send(HttpMethod.Put, "/api/me/phone", JsonSerializer.Serialize(new { phone = "12345" }), token);
        Assert.Equal((400, "user.phone"), (bad.Code, bad.Rule));
    }

    [Fact]
    public async Task A_code_runs_out_after_ten_minutes_and_after_five_wrong_tries_and_sends_are_limited_per_hour()
    {
        var (userName, _) = await NewReviewerAsync();
        var token = await service.TokenFor(userName);
        const string Phone = "13900000301";
        Assert.Equal((409, "verify.no-code"), await VerifyAsync(token, "123456"));
        Assert.Equal(200, (await service.Api.Send(HttpMethod.Put, "/api/me/phone", JsonSerializer.Serialize(new { phone = Phone }), token)).Code);
        var first = Providers.LastCode(Phone);

        await new Walker(service).AdvanceDaysAsync(11.0 / 24 / 60); // eleven minutes
        Assert.Equal((409, "verify.expired"), await VerifyAsync(token, first));

        var resent = await service.Api.Post("/api/me/phone/code", null, token);
        Assert.True(resent.Code == 200, resent.ToString());
        var second = Providers.LastCode(Phone);
        Assert.NotEqual(JsonValueKind.Null, resent.Json.GetProperty("codeExpiresAt").ValueKind);
        var wrong = second == "000000" ? "999999" : "000000";
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal((400, "verify.wrong-code"), await VerifyAsync(token, wrong));
        }

        Assert.Equal((409, "verify.tries-used"), await VerifyAsync(token, second)); // the right code, too late
        Assert.False((await service.Api.Get("/api/me/addresses", token)).Json.GetProperty("phoneVerified").GetBoolean());

        // Two sends so far; the hour allows five.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await service.Api.Post("/api/me/phone/code", null, token)).Code);
        }

        var limited = await service.Api.Post("/api/me/phone/code", null, token);
        Assert.Equal((429, "verify.rate-limited"), (limited.Code, limited.Rule));
        Assert.NotNull(limited.Headers.RetryAfter);

        // The last code sent still works.
        Assert.Equal((200, null), await VerifyAsync(token, Providers.LastCode(Phone)));
        var nothing = await service.Api.Post("/api/me/phone/code", null, token);
        Assert.Equal((409, "verify.nothing-to-verify"), (nothing.Code, nothing.Rule));
    }

    private async Task<(int, string?)> VerifyAsync(string token, string code)
    {
        var reply = await service.Api.Post("/api/me/phone/verify", new { code }, token);
        return (reply.Code, reply.Rule);
    }

    /// <summary>A new user with reviewer-109's grants (so told what the township is told), and no addresses.</summary>
    private async Task<(string UserName, string Id)> NewReviewerAsync()
    {
        var admin = await service.TokenFor("admin");
        var grants = (await service.Api.Get("/api/users", admin)).Json.EnumerateArray()
            .Single(u => u.GetProperty("userName").GetString() == "reviewer-109").GetProperty("grants");
        var userName = "reviewer-" + Guid.NewGuid().ToString("N")[..8];
        var created = await service.Api.Post("/api/users", new { userName, displayName = "乡镇审核员", password = "linxian-demo", grants }, admin);
        Assert.True(created.Code == 201, created.ToString());
        var id = (await service.Api.Get("/api/users", admin)).Json.EnumerateArray().Single(u => u.GetProperty("userName").GetString() == userName).GetProperty("id").GetString()!;
        return (userName, id);
    }

    private static async Task<(System.Net.HttpStatusCode Status, AngleSharp.Dom.IDocument Document)> SubmitAsync(
        PageSession browser, string formId, params (string Name, string Value)[] fields)
    {
        var page = await browser.GetAsync("/me/notifications");
        var form = page.Document.QuerySelector(formId)!;
        var posted = await browser.PostAsync(form.GetAttribute("action")!, [.. PageSession.Fields(form), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);
        return (posted.Status, posted.Document);
    }
}
