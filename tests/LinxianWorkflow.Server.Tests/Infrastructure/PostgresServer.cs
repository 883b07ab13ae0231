using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the tests, started once per test run from Debian's binaries
/// (/usr/lib/postgresql/N/bin) in a scratch directory on a free port on 127.0.0.1, and stopped at exit.
/// As root it runs as the postgres user. A missing server is a failure that says how to install it.
/// </summary>
public static class PostgresServer
{
    public const string AppLogin = "linxian_test_app";
    public const string AppPassword = "test-only-password";

    private static readonly Lazy<Task<string>> Started = new(StartAsync);

    /// <summary>Set before the first use to keep PostgreSQL's durability settings (the load benchmark); tests turn fsync off.</summary>
    public static bool Durable { get; set; }

    /// <summary>The server binaries' folder, once started (pgbench lives there).</summary>
    public static string Bin { get; private set; } = "";

    /// <summary>The superuser's connection string to the "postgres" database.</summary>
    public static Task<string> SuperuserAsync() => Started.Value;

    /// <summary>A fresh database migrated as its owner, with the application login granted the application role.</summary>
    public static async Task<(string App, string Owner)> CreateDatabaseAsync(string prefix)
    {
        var admin = await SuperuserAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await Exec(connection, $"CREATE DATABASE {name}");
        }

        var owner = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
        var app = new NpgsqlConnectionStringBuilder(admin) { Database = name, Username = AppLogin, Password = AppPassword }.ToString();
        return (app, owner);
    }

    private static async Task<string> StartAsync()
    {
        var instance = await PostgresInstance.StartAsync($"linxian-test-pg-{Environment.ProcessId}", Durable);
        Bin = instance.Bin;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return instance.Superuser;
    }

    /// <summary>The server binaries' folder (the newest of /usr/lib/postgresql/*/bin), or a failure saying how to install them.</summary>
    internal static string FindBin() =>
        (Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null)
        ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. Install them with `apt-get install -y postgresql` " +
            "(tests/run.sh does this), then run the tests again.");

    internal static async Task Exec(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await Exec(connection, sql);
    }

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static Task RunAs(bool asRoot, string file, string[] args) =>
        asRoot ? Run("runuser", ["-u", "postgres", "--", file, .. args]) : Run(file, args);

    internal static async Task Run(string file, string[] args)
    {
        var (code, output) = await Command.RunAsync(file, args, "/tmp");
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {output}");
        }
    }
}

/// <summary>
/// One PostgreSQL server in a scratch folder on a free port on 127.0.0.1, with the application role and login the
/// tests use. The shared server of a test run is one; a test that stops the database (health, faults) starts its own.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private readonly bool _asRoot = Environment.UserName == "root";

    private readonly bool _durable;

    private PostgresInstance(string bin, string root, int port, bool durable)
    {
        _durable = durable;
        Bin = bin;
        Root = root;
        Port = port;
        Superuser = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";
    }

    public string Bin { get; }

    public string Root { get; }

    public int Port { get; }

    public string Superuser { get; }

    private string Data => Path.Combine(Root, "data");

    public static async Task<PostgresInstance> StartAsync(string name, bool durable = false)
    {
        var root = Path.Combine(Path.GetTempPath(), name);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        var instance = new PostgresInstance(PostgresServer.FindBin(), root, PostgresServer.FreePort(), durable);
        if (instance._asRoot)
        {
            await PostgresServer.Run("chown", ["postgres:postgres", root]);
        }

        await PostgresServer.RunAs(instance._asRoot, Path.Combine(instance.Bin, "initdb"), ["-D", instance.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        await instance.StartServerAsync();
        // The application role the migrations grant to (they create it when missing), and the login the service uses.
        await PostgresServer.Exec(instance.Superuser, "CREATE ROLE linxian_app NOLOGIN");
        await PostgresServer.Exec(instance.Superuser, $"CREATE ROLE {PostgresServer.AppLogin} LOGIN PASSWORD '{PostgresServer.AppPassword}' IN ROLE linxian_app");
        return instance;
    }

    /// <summary>Starts the server (again after <see cref="StopAsync"/>), on the same port and data.</summary>
    public Task StartServerAsync()
    {
        var speed = _durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        return PostgresServer.RunAs(_asRoot, Path.Combine(Bin, "pg_ctl"),
        [
            "-D", Data, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {Root} -c listen_addresses=127.0.0.1 -c max_connections=300{speed}",
            "start",
        ]);
    }

    /// <summary>
    /// Stops the server at once (connections are cut, as when the database host goes away). Only a durable instance
    /// keeps what was committed across this: the tests' fast settings (no fsync, asynchronous commit) lose the last commits.
    /// </summary>
    public Task StopAsync() => PostgresServer.RunAs(_asRoot, Path.Combine(Bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"]);

    /// <summary>A fresh database on this server, as <see cref="PostgresServer.CreateDatabaseAsync"/> makes one on the shared server.</summary>
    public async Task<(string App, string Owner)> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await PostgresServer.Exec(Superuser, $"CREATE DATABASE {name}");
        var owner = new NpgsqlConnectionStringBuilder(Superuser) { Database = name }.ToString();
        var app = new NpgsqlConnectionStringBuilder(Superuser) { Database = name, Username = PostgresServer.AppLogin, Password = PostgresServer.AppPassword }.ToString();
        return (app, owner);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // Best effort: the scratch server dies with the machine anyway.
        }
    }
}
