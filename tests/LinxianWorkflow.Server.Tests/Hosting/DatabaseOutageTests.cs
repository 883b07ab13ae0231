using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Hosting;

/// <summary>
/// The database goes away and comes back, on a PostgreSQL server of this test's own: /health/ready turns 503 within
/// seconds and 200 again when it returns, /health/live stays 200; requests meanwhile get a 503 store.unavailable with
/// Retry-After (never a 500 saying "nothing was saved"), and the server logs no error for them; afterwards the same
/// work goes through.
/// </summary>
public sealed class DatabaseOutageTests
{
    private static async Task<Reply> UntilAsync(Func<Task<Reply>> probe, Func<Reply, bool> done, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var reply = await probe();
            if (done(reply))
            {
                return reply;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"{what}: still {reply}");
            await Task.Delay(250); // polling a named state (the health answer), not waiting for time to pass
        }
    }

    private static object Proposal(string summary) => new
    {
        villagePath = "141124/141124109/141124109207",
        title = "停库测试",
        summary,
        category = "general",
        amountYuan = 1000,
        source = "cadre",
    };

    [Fact]
    public async Task Readiness_follows_the_database_and_requests_meanwhile_are_503_store_unavailable()
    {
        await using var postgres = await PostgresInstance.StartAsync($"linxian-test-outage-{Guid.NewGuid():N}", durable: true);
        var (app, owner) = await postgres.CreateDatabaseAsync("outage");
        var scratch = Path.Combine(Path.GetTempPath(), "linxian-test-files-" + Guid.NewGuid().ToString("N"));
        await using var server = await ServerProcess.StartAsync(
        [
            "--Storage:Provider=postgres", $"--Storage:Postgres={app}", $"--Storage:PostgresMigrations={owner}", "--demo",
            $"--Audit:KeyFile={scratch}/log-ed25519.key", $"--Notifications:LogPath={scratch}/notifications.log",
        ]);
        using var api = new ApiClient(server.Url);
        var ready = await api.Get("/health/ready");
        Assert.True(ready.Code == 200, ready.ToString());
        var login = await api.Post("/api/auth/login", new { userName = "xiwan-secretary", password = "linxian-demo" });
        var token = login.Json.GetProperty("token").GetString()!;

        // Ordinary refusals first (they must not be logged as errors either): a rule, a bad field, a NUL that
        // PostgreSQL cannot store (a 500 before), a NUL in a list filter and in a sign-in.
        var refused = await api.Post("/api/proposals", new { villagePath = "141124/141124109/141124109207", title = "x", summary = "x", category = "nope", amountYuan = 1, source = "cadre" }, token);
        Assert.True(refused.Code is >= 400 and < 500, refused.ToString());
        var nul = await api.Post("/api/proposals", Proposal("含有\u0000空字符"), token);
        Assert.True(nul.Code == 400 && nul.Rule == "input.control-character", nul.ToString());
        Assert.Contains("summary", nul.Json.GetProperty("zh-CN").GetString()!, StringComparison.Ordinal);
        Assert.Equal("input.control-character", (await api.Get("/api/proposals?category=%00", token)).Rule);
        Assert.Equal("input.control-character", (await api.Post("/api/auth/login", new { userName = "a\u0000", password = "b" })).Rule);

        await postgres.StopAsync();
        var down = await UntilAsync(() => api.Get("/health/ready"), r => r.Code == 503, "readiness after the database stopped");
        Assert.Equal("store.unavailable", down.Rule);
        Assert.Equal(200, (await api.Get("/health/live")).Code);

        var list = await api.Get("/api/proposals", token);
        Assert.True(list.Code == 503, list.ToString());
        Assert.Equal("store.unavailable", list.Rule);
        Assert.Contains("未办理", list.Json.GetProperty("zh-CN").GetString()!, StringComparison.Ordinal);
        Assert.Equal("5", list.Headers.RetryAfter?.ToString());
        var start = await api.Post("/api/proposals", Proposal("数据库停止时发起"), token);
        Assert.True(start.Code == 503, start.ToString());

        await postgres.StartServerAsync();
        await UntilAsync(() => api.Get("/health/ready"), r => r.Code == 200, "readiness after the database returned");
        var again = await UntilAsync(() => api.Post("/api/proposals", Proposal("数据库恢复后发起"), token), r => r.Code != 503, "starting a proposal after the database returned");
        Assert.True(again.Code == 201, again.ToString());

        // Refusals and the outage were answers, not failures: no error (and no stack trace) in the server's log.
        Assert.DoesNotContain(server.Output.Split('\n'), line => line.StartsWith("fail:", StringComparison.Ordinal));
    }
}
