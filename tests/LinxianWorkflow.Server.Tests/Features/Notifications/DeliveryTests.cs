using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

/// <summary>A server on PostgreSQL whose notifications go to a WeCom group robot and Tencent Cloud SMS, both played by a local receiver.</summary>
public sealed class NotifyingPostgresService : PostgresService
{
    public ProviderReceiver Providers { get; } = new();

    protected override IEnumerable<string> ExtraArguments => Providers.ServerArguments(quietHours: "");

    public override Task InitializeAsync() => Providers.StartWithAsync(this, base.InitializeAsync);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Providers.DisposeAsync();
    }
}

// Over real HTTP, both ways: the demo clock is moved, the timers fire, and the outbox sends to the providers' documented APIs (checked by
// the receiver: TC3 signature recomputed from the secret, template and parameters, the robot's key and markdown body).
public sealed class DeliveryTests(NotifyingPostgresService service) : IClassFixture<NotifyingPostgresService>
{
    private ProviderReceiver Providers => service.Providers;

    [Fact]
    public async Task A_reviewer_on_wecom_and_sms_gets_the_solar_plants_reminder_and_escalation_exactly_once_each()
    {
        var id = await Outbox.SolarProposalAsync(service);
        var walker = new Walker(service);

        await walker.AdvanceDaysAsync(6);
        var reminder = await Outbox.SettledAsync(service, "reviewer-109", id, "reminder", "sms", "wecom", "log-file");
        await walker.AdvanceDaysAsync(3);
        Assert.Empty(Providers.Errors);
        var escalated = await Outbox.SettledAsync(service, "reviewer-109", id, "escalated", "sms", "wecom", "log-file");

        Assert.Empty(Providers.Errors);
        foreach (var (notification, template) in new[] { (reminder, "2001"), (escalated, "2002") })
        {
            Assert.All(notification.GetProperty("deliveries").EnumerateArray(), d => Assert.Equal("sent", d.GetProperty("status").GetString()));
            var sms = Assert.Single(Providers.Sms, s => s.TemplateId == template && s.Params[0] == Outbox.Solar);
            Assert.True(sms.SignatureValid, sms.Problem);
            Assert.Equal(["+8613800000109"], sms.Phones);
            Assert.Equal((ProviderReceiver.SdkAppId, ProviderReceiver.SignName), (sms.SdkAppId, sms.SignName));
            Assert.Equal(3, sms.Params.Length); // title, step, deadline: the template's three parameters
            Assert.Equal($"delivery-{Outbox.Delivery(notification, "sms").GetProperty("id").GetInt64()}", sms.SessionContext);
            Assert.StartsWith("2433:", Outbox.Delivery(notification, "sms").GetProperty("providerMessageId").GetString());

            var text = notification.GetProperty("text").GetProperty("zh").GetString()!;
            var robot = Assert.Single(Providers.WeCom, w => w.Content.StartsWith(text, StringComparison.Ordinal) && w.Content.Contains(ProviderReceiver.ReviewerMention, StringComparison.Ordinal));
            Assert.Equal(("markdown", ProviderReceiver.RobotKey), (robot.MsgType, robot.Key));
            Assert.Contains($"(https://cunwu.example.cn/proposals/{id})", robot.Content, StringComparison.Ordinal);
        }

        Assert.All(Providers.Sms, s => Assert.True(s.SignatureValid, s.Problem));
    }

    [Fact]
    public async Task A_5xx_then_a_throttling_answer_are_retried_until_sent_and_a_robot_over_its_rate_limit_ends_as_a_dead_letter()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("故障测试：修缮村委会屋顶");
        Providers.Script("sms", "故障注入-一", Answer.ServerError, Answer.Throttled); // SMS: 502, then RequestLimitExceeded, then Ok
        Providers.Script("wecom", "故障注入-一", Answer.Throttled, Answer.Throttled, Answer.Throttled); // WeCom: 45009 three times: the attempts run out
        await Outbox.RaiseConcernAsync(service, id, "故障注入-一：请公布预算明细。");

        var concern = await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "sms", "wecom");
        var sms = Outbox.Delivery(concern, "sms");
        Assert.Equal(("sent", 3), (sms.GetProperty("status").GetString(), sms.GetProperty("attempts").GetInt32()));
        Assert.Contains("RequestLimitExceeded", sms.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal([Answer.ServerError, Answer.Throttled, Answer.Ok], Providers.Sms.Where(s => s.Params.Any(p => p.Contains("故障注入-一", StringComparison.Ordinal))).Select(s => s.Answer));

        var robot = Outbox.Delivery(concern, "wecom");
        Assert.Equal(("dead", 3), (robot.GetProperty("status").GetString(), robot.GetProperty("attempts").GetInt32()));
        Assert.Contains("45009", robot.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, Providers.WeCom.Count(w => w.Content.Contains("故障注入-一", StringComparison.Ordinal) && w.Content.Contains(ProviderReceiver.ReviewerMention, StringComparison.Ordinal)));

        // The operator sends the dead letter again (the robot takes messages now); a delivery that was sent cannot be sent again.
        var retry = $"/api/admin/deliveries/{robot.GetProperty("id").GetInt64()}/retry";
        Assert.Equal(403, (await service.Api.Post(retry, null, await service.TokenFor("reviewer-109"))).Code);
        Assert.Equal(204, (await service.Api.Post(retry, null, await service.TokenFor("admin"))).Code);
        await Outbox.Eventually("the dead letter sent again", async () =>
            Outbox.Status((await Outbox.NotificationsAsync(service, "reviewer-109", id)).Single(n => n.GetProperty("id").GetInt64() == concern.GetProperty("id").GetInt64()), "wecom") == "sent");
        Assert.Equal(409, (await service.Api.Post(retry, null, await service.TokenFor("admin"))).Code);
        Assert.Equal(409, (await service.Api.Post($"/api/admin/deliveries/{sms.GetProperty("id").GetInt64()}/retry", null, await service.TokenFor("admin"))).Code);
    }

    [Fact]
    public async Task A_provider_that_does_not_answer_in_time_is_retried_and_the_message_sent_once_it_answers()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("故障测试：更换村内路灯");
        Providers.Script("sms", "故障注入-二", Answer.Timeout); // the SMS and the robot each time out once
        Providers.Script("wecom", "故障注入-二", Answer.Timeout);
        await Outbox.RaiseConcernAsync(service, id, "故障注入-二：路灯型号请再议。");

        var concern = await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "sms", "wecom");
        foreach (var channel in new[] { "sms", "wecom" })
        {
            var delivery = Outbox.Delivery(concern, channel);
            Assert.Equal(("sent", 2), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempts").GetInt32()));
            Assert.Contains("Timeout", delivery.GetProperty("lastError").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_server_killed_while_sending_leaves_the_delivery_claimed_and_it_is_sent_once_its_lease_runs_out()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("重启测试：修缮村内水井");
        Providers.Script("sms", "重启标记", Answer.Hold);
        await Outbox.RaiseConcernAsync(service, id, "重启标记：请核实水井位置。");
        await Outbox.Eventually("the SMS request reached the provider", () =>
            Task.FromResult(Providers.Sms.Any(s => s.Params.Any(p => p.Contains("重启标记", StringComparison.Ordinal)))));

        await service.RestartAsync(); // SIGKILL while the provider holds the request, then a fresh process on the same database
        var concern = (await Outbox.NotificationsAsync(service, "reviewer-109", id)).Single(n => n.GetProperty("kind").GetString() == "concern");
        var sms = Outbox.Delivery(concern, "sms");
        Assert.Equal(("pending", 1), (sms.GetProperty("status").GetString(), sms.GetProperty("attempts").GetInt32()));
        Assert.Equal(JsonValueKind.Null, sms.GetProperty("lastError").ValueKind); // the killed node recorded nothing: its claim stands

        await walker.AdvanceDaysAsync(0.01); // past the claim's lease (120 s): the new process takes it
        concern = await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "sms", "wecom", "log-file");
        sms = Outbox.Delivery(concern, "sms");
        Assert.Equal(("sent", 2), (sms.GetProperty("status").GetString(), sms.GetProperty("attempts").GetInt32()));
        var requests = Providers.Sms.Where(s => s.Params.Any(p => p.Contains("重启标记", StringComparison.Ordinal))).ToList();
        Assert.Equal([Answer.Hold, Answer.Ok], requests.Select(r => r.Answer)); // at least once: the cut-off request, then the one that was taken
        Assert.Single(Providers.WeCom, w => w.Content.Contains("重启标记", StringComparison.Ordinal) && w.Content.Contains(ProviderReceiver.ReviewerMention, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_servers_on_one_database_send_each_delivery_once()
    {
        var walker = new Walker(service);
        await using var second = await ServerProcess.StartAsync(service.Arguments);
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var id = await walker.StartAsync($"并发通知测试 {i}");
            ids.Add(id);
            await Outbox.RaiseConcernAsync(service, id, $"并发标记-{i}：请补充材料。");
        }

        foreach (var id in ids)
        {
            await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "sms", "wecom", "log-file");
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var marker = $"并发标记-{i}：";
            Assert.Single(Providers.Sms, s => s.Params.Any(p => p.Contains(marker, StringComparison.Ordinal)));
            Assert.Single(Providers.WeCom, w => w.Content.Contains(marker, StringComparison.Ordinal) && w.Content.Contains(ProviderReceiver.ReviewerMention, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_administrator_sets_a_users_phone_and_wecom_id_on_the_user_page_and_a_malformed_number_is_refused()
    {
        var admin = await service.TokenFor("admin");
        var id = (await service.Api.Get("/api/users", admin)).Json.EnumerateArray()
            .Single(u => u.GetProperty("userName").GetString() == "lijiashan-chair").GetProperty("id").GetString()!;
        using var browser = new PageSession(service.Server.Url);
        await browser.SignInAsync("admin");

        async Task<AngleSharp.Dom.IDocument> SubmitAsync(string phone, string weComId, System.Net.HttpStatusCode expected)
        {
            var page = await browser.GetAsync($"/admin/users/{id}");
            var form = page.Document.QuerySelector("#addresses-form")!;
            var posted = await browser.PostAsync(form.GetAttribute("action")!, [.. PageSession.Fields(form), new("phone", phone), new("weComId", weComId)]);
            Assert.True(posted.Status == expected, posted.Document.QuerySelector("[role=alert]")?.TextContent ?? posted.Status.ToString());
            return posted.Document;
        }

        var saved = await SubmitAsync("13912345678", "lijiashan.chair", System.Net.HttpStatusCode.OK);
        Assert.NotNull(saved.QuerySelector("p.done"));
        var user = (await service.Api.Get("/api/users", admin)).Json.EnumerateArray().Single(u => u.GetProperty("id").GetString() == id);
        Assert.Equal(("13912345678", "lijiashan.chair"), (user.GetProperty("phone").GetString(), user.GetProperty("weComId").GetString()));

        var refused = await SubmitAsync("12345", "lijiashan.chair", System.Net.HttpStatusCode.BadRequest);
        Assert.Contains("user.phone", refused.QuerySelector("p.rule")!.TextContent, StringComparison.Ordinal);
        user = (await service.Api.Get("/api/users", admin)).Json.EnumerateArray().Single(u => u.GetProperty("id").GetString() == id);
        Assert.Equal("13912345678", user.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task A_concern_reaches_the_townships_dingtalk_robot_signed_as_dingtalk_documents_with_a_link()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("钉钉测试：修缮村内排水沟");
        await Outbox.RaiseConcernAsync(service, id, "钉钉标记：[请看](http://evil.example) 排水沟走向。");
        var concern = await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "dingtalk");
        Assert.Equal("sent", Outbox.Status(concern, "dingtalk"));
        // The group gets one message per role told (as a WeCom group does), each signed, each with the link.
        var robots = Providers.DingTalk.Where(d => d.Text.Contains("钉钉标记", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(robots);
        Assert.All(robots, robot =>
        {
            Assert.Equal(("markdown", ProviderReceiver.DingTalkToken), (robot.MsgType, robot.Token));
            Assert.StartsWith("【村务提醒】", robot.Title, StringComparison.Ordinal);
            Assert.Contains($"(https://cunwu.example.cn/proposals/{id})", robot.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("](http://evil.example)", robot.Text, StringComparison.Ordinal); // what a person typed is never a link
        });
        Assert.All(Providers.DingTalk, d => Assert.True(d.SignatureValid));
    }

    [Fact]
    public async Task Tencent_pushes_a_receipt_and_the_notifications_page_shows_whether_the_phone_got_the_sms()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("回执测试：修缮村小学围墙");
        await Outbox.RaiseConcernAsync(service, id, "回执标记：请公布施工单位。");
        var concern = await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "sms");
        var sid = Outbox.Delivery(concern, "sms").GetProperty("providerMessageId").GetString()!;
        var url = $"/api/providers/tencent-sms/receipts/{ProviderReceiver.ReceiptSecret}";

        // Tencent's push: a JSON array, one report per message; one of ours, one it names that we never sent.
        object Report(string serial, string status, string errmsg, string description) => new Dictionary<string, string>
        {
            ["user_receive_time"] = "2026-12-02 10:03:04",
            ["nationcode"] = "86",
            ["mobile"] = "13800000109",
            ["report_status"] = status,
            ["errmsg"] = errmsg,
            ["description"] = description,
            ["sid"] = serial,
        };
        var pushed = await service.Api.Post(url, new[] { Report(sid, "SUCCESS", "DELIVRD", "用户短信送达成功"), Report("2433:not-ours", "FAIL", "MK:0001", "空号") });
        Assert.True(pushed.Code == 200, pushed.ToString());
        Assert.Equal((0, "OK"), (pushed.Json.GetProperty("result").GetInt32(), pushed.Json.GetProperty("errmsg").GetString()));

        var sms = Outbox.Delivery((await Outbox.NotificationsAsync(service, "reviewer-109", id)).Single(n => n.GetProperty("kind").GetString() == "concern"), "sms");
        Assert.Equal("delivered", sms.GetProperty("receiptStatus").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T02:03:04Z", System.Globalization.CultureInfo.InvariantCulture), sms.GetProperty("receiptAt").GetDateTimeOffset());
        using (var browser = new PageSession(service.Server.Url))
        {
            await browser.SignInAsync("reviewer-109");
            var home = await browser.GetAsync("/");
            Assert.Contains(home.Document.QuerySelectorAll("ul.notifications li"), li => li.TextContent.Contains("回执标记", StringComparison.Ordinal) && li.TextContent.Contains("短信：已发出（手机已收到）", StringComparison.Ordinal));
        }

        // A later report replaces it; the number in the report is not kept.
        Assert.Equal(200, (await service.Api.Post(url, new[] { Report(sid, "FAIL", "MK:0005", "用户关机") })).Code);
        sms = Outbox.Delivery((await Outbox.NotificationsAsync(service, "reviewer-109", id)).Single(n => n.GetProperty("kind").GetString() == "concern"), "sms");
        Assert.Equal(("failed", "MK:0005 用户关机"), (sms.GetProperty("receiptStatus").GetString(), sms.GetProperty("receiptDetail").GetString()));

        // Refused, nothing recorded: a wrong secret (as if no such address), a body that is not the documented array, a report without its status or with another.
        var wrong = await service.Api.Post("/api/providers/tencent-sms/receipts/guess", new[] { Report(sid, "SUCCESS", "DELIVRD", "") });
        Assert.Equal((404, "receipt.unknown-url"), (wrong.Code, wrong.Rule));
        var notArray = await service.Api.Send(HttpMethod.Post, url, "{\"sid\": 1}");
        Assert.Equal(400, notArray.Code);
        Assert.Equal("application/problem+json", notArray.ContentType);
        var noStatus = await service.Api.Post(url, new[] { new { sid } });
        Assert.Equal((400, "input.field"), (noStatus.Code, noStatus.Rule));
        var badStatus = await service.Api.Post(url, new[] { Report(sid, "MAYBE", "", "") });
        Assert.Equal((400, "receipt.malformed"), (badStatus.Code, badStatus.Rule));
        sms = Outbox.Delivery((await Outbox.NotificationsAsync(service, "reviewer-109", id)).Single(n => n.GetProperty("kind").GetString() == "concern"), "sms");
        Assert.Equal("failed", sms.GetProperty("receiptStatus").GetString());
    }
}
