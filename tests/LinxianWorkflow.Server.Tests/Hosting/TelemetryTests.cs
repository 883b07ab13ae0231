using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Hosting;

/// <summary>
/// Telemetry readable without a collector: with <c>--Telemetry:Prometheus=true</c> the server serves /metrics with our
/// own instruments (commands accepted and refused by rule, commit latency, the backlog gauges) beside ASP.NET Core's.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_count_commands_by_outcome_and_show_the_backlog()
    {
        var dir = Path.Combine(Path.GetTempPath(), "linxian-test-" + Guid.NewGuid().ToString("N"));
        await using var server = await ServerProcess.StartAsync(
        [
            $"--Storage:SqlitePath={dir}/linxian.db", "--demo", $"--Audit:KeyFile={dir}/log-ed25519.key", $"--Notifications:LogPath={dir}/notifications.log",
            "--Telemetry:Prometheus=true",
        ]);
        using var api = new ApiClient(server.Url);
        var token = (await api.Post("/api/auth/login", new { userName = "xiwan-secretary", password = "linxian-demo" })).Json.GetProperty("token").GetString()!;
        var started = await api.Post("/api/proposals", new
        {
            villagePath = "141124/141124109/141124109207",
            title = "遥测测试",
            summary = "计数",
            category = "general",
            amountYuan = 1000,
            source = "cadre",
        }, token);
        Assert.True(started.Code == 201, started.ToString());
        var id = started.Json.GetProperty("proposalId").GetString()!;
        var refused = await api.Post($"/api/proposals/{id}/actions/complete-task", new { stepId = "intake", outcome = "no-such-outcome" }, token);
        Assert.True(refused.Code is >= 400 and < 500, refused.ToString());

        // The exporter collects on request; the counters are there as soon as anything was counted.
        var metrics = await api.Get("/metrics");
        Assert.Equal(200, metrics.Code);
        Assert.Contains("linxian_commands_total{", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"accepted\"", metrics.Text, StringComparison.Ordinal);
        Assert.Matches("linxian_commands_total\\{[^}]*outcome=\"(?!accepted\")[a-z.-]+\"", metrics.Text); // the refusal, by its rule
        Assert.Contains("command=\"StartProposal\"", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("linxian_commit_duration_milliseconds_bucket", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("linxian_log_unsigned_events", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("linxian_notifications_pending", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", metrics.Text, StringComparison.Ordinal);
    }
}
