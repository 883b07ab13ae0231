using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Noticeboard;

/// <summary>A PostgreSQL deployment that allows three public objections per client address in its window.</summary>
public sealed class ThreeObjectionsService : PostgresService
{
    protected override IEnumerable<string> ExtraArguments => ["--Public:ObjectionsPerWindow=3"];
}

/// <summary>
/// The public objection limit is counted in the database: two nodes share it, a restart does not reset it, and the
/// refusal says when to try again. (Behind a proxy it counts each villager's own address: Hosting/ProxyTests.)
/// </summary>
public sealed class ObjectionLimitTests(ThreeObjectionsService service) : IClassFixture<ThreeObjectionsService>
{
    private const string Disclosing = "141124105209-DEMO-06"; // the demo's 孙家沟村 matter with a current notice

    private static async Task<Reply> ObjectAsync(ApiClient api, int n) =>
        await api.Post($"/api/public/proposals/{Disclosing}/objections", new { text = $"限流测试异议 {n}" });

    [Fact]
    public async Task Two_nodes_share_the_count_and_a_restart_keeps_it()
    {
        Assert.Equal(201, (await ObjectAsync(service.Api, 1)).Code);
        Assert.Equal(201, (await ObjectAsync(service.Api, 2)).Code);
        await using (var second = await ServerProcess.StartAsync(service.Arguments))
        {
            using var api = new ApiClient(second.Url);
            Assert.Equal(201, (await ObjectAsync(api, 3)).Code);
            var refused = await ObjectAsync(api, 4);
            Assert.Equal((429, "public.rate-limited"), (refused.Code, refused.Rule));
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        Assert.Equal(429, (await ObjectAsync(service.Api, 5)).Code);
        await service.RestartAsync();
        Assert.Equal(429, (await ObjectAsync(service.Api, 6)).Code);

        // Three landed, whichever node took them; the refused ones left nothing.
        var history = await service.Api.Get($"/api/proposals/{Disclosing}/history", await service.TokenFor("reviewer-105"));
        Assert.Equal(3, history.Json.GetProperty("events").EnumerateArray().Count(e =>
            e.GetProperty("record").GetProperty("type").GetString() == "ObjectionLodged"
            && e.GetProperty("record").GetProperty("data").GetProperty("text").GetString()!.StartsWith("限流测试异议", StringComparison.Ordinal)));
    }
}
