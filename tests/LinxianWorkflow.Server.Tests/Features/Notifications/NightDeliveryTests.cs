using LinxianWorkflow.Engine.Time;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

/// <summary>The embedded server (SQLite) with WeCom and SMS, and the quiet hours on: 22:00-07:00 China time.</summary>
public sealed class QuietSqliteService : SqliteService
{
    public ProviderReceiver Providers { get; } = new();

    protected override IEnumerable<string> ExtraArguments => Providers.ServerArguments(quietHours: "22:00-07:00");

    public override Task InitializeAsync() => Providers.StartWithAsync(this, base.InitializeAsync);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Providers.DisposeAsync();
    }
}

public sealed class NightDeliveryTests(QuietSqliteService service) : IClassFixture<QuietSqliteService>
{
    [Fact]
    public async Task At_night_an_sms_waits_for_seven_oclock_except_an_escalation_and_the_group_is_told_at_once()
    {
        var walker = new Walker(service);
        // To 23:00 China time (the clock only moves forward): a little, to read it, then the rest.
        var now = await walker.AdvanceDaysAsync(0.0001);
        var local = now.ToOffset(ChinaTime.Offset);
        var toNight = (local.Date.AddHours(23) - local.DateTime) is { } gap && gap > TimeSpan.Zero ? gap : gap + TimeSpan.FromDays(1);
        now = await walker.AdvanceDaysAsync(toNight.TotalDays);
        var morning = ChinaTime.StartOf(ChinaTime.DateOf(now).AddDays(1)).AddHours(7);

        // A concern at 23:00: the robot posts it, the SMS waits until 07:00.
        var id = await walker.StartAsync("夜间测试：修缮村委会屋顶");
        var reply = await service.Api.Post($"/api/proposals/{id}/actions/raise-concern", new { stepId = "villager-resolution", text = "夜间标记：请公布预算。" },
            await service.TokenFor("xiwan-supervisor"));
        Assert.True(reply.Code == 200, reply.ToString());
        var concern = await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "wecom", "log-file");
        var sms = Outbox.Delivery(concern, "sms");
        Assert.Equal(("pending", 0), (sms.GetProperty("status").GetString(), sms.GetProperty("attempts").GetInt32()));
        Assert.Equal(morning, sms.GetProperty("nextAttemptAt").GetDateTimeOffset());

        // Nine whole days on, still 23:00: the solar plant's reminder waits, its escalation goes out now.
        var solar = await Outbox.SolarProposalAsync(service);
        now = await walker.AdvanceDaysAsync(9);
        var escalated = await Outbox.SettledAsync(service, "reviewer-109", solar, "escalated", "sms", "wecom");
        Assert.Equal("sent", Outbox.Status(escalated, "sms"));
        var reminder = (await Outbox.NotificationsAsync(service, "reviewer-109", solar)).Single(n => n.GetProperty("kind").GetString() == "reminder");
        Assert.Equal("pending", Outbox.Status(reminder, "sms"));
        Assert.Equal(ChinaTime.StartOf(ChinaTime.DateOf(now).AddDays(1)).AddHours(7), Outbox.Delivery(reminder, "sms").GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.DoesNotContain(service.Providers.Sms, s => s.TemplateId == "2001" && s.Params[0] == Outbox.Solar);
        Assert.DoesNotContain(service.Providers.Sms, s => s.Params.Any(p => p.Contains("夜间标记", StringComparison.Ordinal)));

        // 07:30: both go, once each.
        await walker.AdvanceDaysAsync(8.5 / 24);
        await Outbox.SettledAsync(service, "reviewer-109", solar, "reminder", "sms");
        await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "sms");
        Assert.Single(service.Providers.Sms, s => s.TemplateId == "2001" && s.Params[0] == Outbox.Solar);
        Assert.Single(service.Providers.Sms, s => s.Params.Any(p => p.Contains("夜间标记", StringComparison.Ordinal)));
    }
}
