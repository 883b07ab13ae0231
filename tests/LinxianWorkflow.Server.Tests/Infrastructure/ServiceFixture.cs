using System.Collections.Concurrent;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>
/// A running server with the demo county seeded (users for every role in several villages and townships),
/// its clock adjustable, on a store of its own. One per test class; <see cref="RestartAsync"/> kills and
/// restarts it on the same store.
/// </summary>
public abstract class ServiceFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    public ServerProcess Server { get; private set; } = null!;

    public ApiClient Api { get; private set; } = null!;

    public abstract string StoreName { get; }

    protected abstract Task<IReadOnlyList<string>> StoreArgsAsync();

    /// <summary>More arguments for a fixture of one test class (a trusted proxy, say).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    private IReadOnlyList<string> _args = [];

    /// <summary>The arguments the server runs with (a second server on the same store takes them too).</summary>
    public IReadOnlyList<string> Arguments => _args;

    public virtual async Task InitializeAsync()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "linxian-test-files-" + Guid.NewGuid().ToString("N"));
        _args = [.. await StoreArgsAsync(), "--demo", $"--Audit:KeyFile={scratch}/log-ed25519.key", $"--Notifications:LogPath={scratch}/notifications.log",
            $"--Privacy:SecretFile={scratch}/privacy.key", "--Public:ObjectionsPerWindow=20", "--Public:ObjectionWindowMinutes=10",
            "--Scheduling:SweepSeconds=0.5", "--Scheduling:JobHorizonHours=2400", .. ExtraArguments];
        await StartAsync();
    }

    public async Task RestartAsync()
    {
        Api.Dispose();
        await Server.DisposeAsync();
        _tokens.Clear();
        await StartAsync();
    }

    /// <summary>The server's store, opened directly as an operator's tool would, to see what the service wrote.</summary>
    public Database OpenStore()
    {
        string? Argument(string name) => _args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal))?.Split('=', 2)[1];
        return new Database(new StoreOptions
        {
            Provider = Argument("Storage:Provider") ?? "sqlite",
            SqlitePath = Argument("Storage:SqlitePath") ?? "",
            Postgres = Argument("Storage:Postgres"),
        });
    }

    public async Task<string> TokenFor(string userName)
    {
        if (_tokens.TryGetValue(userName, out var token))
        {
            return token;
        }

        var reply = await Api.Post("/api/auth/login", new { userName, password = "linxian-demo" });
        Assert.True(reply.Code == 200, $"login {userName}: {reply}");
        // Exchange the session for a long-lived script token, as a long-running client would.
        var script = await Api.Post("/api/tokens", new { name = "tests", days = 1096 }, reply.Json.GetProperty("token").GetString());
        Assert.True(script.Code == 201, $"token {userName}: {script}");
        token = script.Json.GetProperty("token").GetString()!;
        _tokens[userName] = token;
        return token;
    }

    public virtual async Task DisposeAsync()
    {
        Api.Dispose();
        await Server.DisposeAsync();
    }

    private async Task StartAsync()
    {
        Server = await ServerProcess.StartAsync(_args);
        Api = new ApiClient(Server.Url);
    }
}

public class SqliteService : ServiceFixture
{
    public override string StoreName => "sqlite";

    protected override Task<IReadOnlyList<string>> StoreArgsAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "linxian-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Task.FromResult<IReadOnlyList<string>>([$"--Storage:SqlitePath={Path.Combine(dir, "linxian.db")}"]);
    }
}

public class PostgresService : ServiceFixture
{
    public override string StoreName => "postgres";

    protected override async Task<IReadOnlyList<string>> StoreArgsAsync()
    {
        var (app, owner) = await PostgresServer.CreateDatabaseAsync("svc");
        return ["--Storage:Provider=postgres", $"--Storage:Postgres={app}", $"--Storage:PostgresMigrations={owner}"];
    }
}
