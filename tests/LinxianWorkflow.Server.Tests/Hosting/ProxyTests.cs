using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Hosting;

/// <summary>
/// Behind a configured proxy the public objection limit counts each villager's own address (X-Forwarded-For from the
/// proxy), not the proxy's for the whole county; without one, a client cannot dodge the limit by claiming addresses.
/// </summary>
public sealed class ProxyTests
{
    private const string Disclosing = "141124105209-DEMO-06"; // the demo's 孙家沟村 matter with a current notice

    private static async Task<int> ObjectAsync(ApiClient api, string from) =>
        (await api.Post($"/api/public/proposals/{Disclosing}/objections", new { text = "代理测试异议" }, null,
            new Dictionary<string, string> { ["X-Forwarded-For"] = from })).Code;

    private static Task<ServerProcess> StartAsync(params string[] extra)
    {
        var dir = Path.Combine(Path.GetTempPath(), "linxian-test-" + Guid.NewGuid().ToString("N"));
        return ServerProcess.StartAsync(
        [
            $"--Storage:SqlitePath={dir}/linxian.db", "--demo", $"--Audit:KeyFile={dir}/log-ed25519.key", $"--Notifications:LogPath={dir}/notifications.log",
            "--Public:ObjectionsPerWindow=2", .. extra,
        ]);
    }

    [Fact]
    public async Task The_objection_limit_counts_the_client_behind_a_known_proxy_and_ignores_claims_without_one()
    {
        await using (var proxied = await StartAsync("--Proxy:KnownProxies=127.0.0.1"))
        {
            using var api = new ApiClient(proxied.Url);
            Assert.Equal(201, await ObjectAsync(api, "10.1.1.1"));
            Assert.Equal(201, await ObjectAsync(api, "10.1.1.1"));
            Assert.Equal(429, await ObjectAsync(api, "10.1.1.1")); // this villager's limit
            Assert.Equal(201, await ObjectAsync(api, "10.2.2.2")); // another villager behind the same proxy
        }

        await using var direct = await StartAsync();
        using var client = new ApiClient(direct.Url);
        Assert.Equal(201, await ObjectAsync(client, "10.1.1.1"));
        Assert.Equal(201, await ObjectAsync(client, "10.2.2.2"));
        Assert.Equal(429, await ObjectAsync(client, "10.3.3.3")); // claimed addresses are not believed
    }
}
