using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

/// <summary>The embedded server (SQLite) with WeCom and SMS, SMS limited to two sends an hour by our own count.</summary>
public sealed class ThrottledSqliteService : SqliteService
{
    public ProviderReceiver Providers { get; } = new();

    protected override IEnumerable<string> ExtraArguments =>
        [.. Providers.ServerArguments(quietHours: ""), "--Notifications:RateLimits:sms:Sends=2", "--Notifications:RateLimits:sms:WindowSeconds=3600"];

    public override Task InitializeAsync() => Providers.StartWithAsync(this, base.InitializeAsync);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Providers.DisposeAsync();
    }
}

public sealed class ProviderRateLimitTests(ThrottledSqliteService service) : IClassFixture<ThrottledSqliteService>
{
    [Fact]
    public async Task Sms_over_the_configured_rate_waits_for_the_next_window_without_spending_an_attempt()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("限速测试：修缮村文化广场");
        for (var i = 0; i < 4; i++)
        {
            await Outbox.RaiseConcernAsync(service, id, $"限速标记-{i}：请说明。");
        }

        // Two go out; the other two are put back for the next hour, with no attempt spent and no error.
        List<JsonElement> sms = [];
        await Outbox.Eventually("two SMS sent and two waiting for the next window", async () =>
        {
            sms = [.. (await Outbox.NotificationsAsync(service, "reviewer-109", id)).Where(n => n.GetProperty("kind").GetString() == "concern" && Outbox.Status(n, "sms") != "none").Select(n => Outbox.Delivery(n, "sms"))];
            return sms.Count == 4 && sms.Count(d => d.GetProperty("status").GetString() == "sent") == 2
                && sms.Count(d => d.GetProperty("status").GetString() == "pending" && d.GetProperty("nextAttemptAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50)) == 2;
        });
        Assert.All(sms.Where(d => d.GetProperty("status").GetString() == "pending"), d =>
        {
            Assert.Equal(0, d.GetProperty("attempts").GetInt32());
            Assert.Equal(JsonValueKind.Null, d.GetProperty("lastError").ValueKind);
        });
        Assert.Equal(2, service.Providers.Sms.Count(s => s.Params.Any(p => p.Contains("限速标记", StringComparison.Ordinal))));

        // An hour later (the demo clock) the window has passed: the two are sent, each on its first attempt.
        await walker.AdvanceDaysAsync(61.0 / 24 / 60);
        await Outbox.Eventually("all four SMS sent", async () =>
            (await Outbox.NotificationsAsync(service, "reviewer-109", id)).Count(n => n.GetProperty("kind").GetString() == "concern" && Outbox.Status(n, "sms") == "sent") == 4);
        Assert.All((await Outbox.NotificationsAsync(service, "reviewer-109", id)).Where(n => n.GetProperty("kind").GetString() == "concern"),
            n => Assert.Equal(1, Outbox.Delivery(n, "sms").GetProperty("attempts").GetInt32()));
        Assert.Equal(4, service.Providers.Sms.Count(s => s.Params.Any(p => p.Contains("限速标记", StringComparison.Ordinal))));
    }
}
