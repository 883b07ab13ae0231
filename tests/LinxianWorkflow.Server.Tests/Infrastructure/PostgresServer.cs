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
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. Install them with `apt-get install -y postgresql` " +
                "(tests/run.sh does this), then run the tests again.");
        }

        var root = Path.Combine(Path.GetTempPath(), $"linxian-test-pg-{Environment.ProcessId}");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await Run("chown", ["postgres:postgres", root]);
        }

        Bin = bin;
        var data = Path.Combine(root, "data");
        var speed = Durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        var port = FreePort();
        await RunAs(asRoot, Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        await RunAs(asRoot, Path.Combine(bin, "pg_ctl"),
        [
            "-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300{speed}",
            "start",
        ]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAs(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]).GetAwaiter().GetResult();
                Directory.Delete(root, recursive: true);
            }
            catch (InvalidOperationException)
            {
                // Best effort: the scratch server dies with the machine anyway.
            }
        };

        var superuser = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";
        await using var connection = new NpgsqlConnection(superuser);
        await connection.OpenAsync();
        // The application role the migrations grant to (they create it when missing), and the login the service uses.
        await Exec(connection, "CREATE ROLE linxian_app NOLOGIN");
        await Exec(connection, $"CREATE ROLE {AppLogin} LOGIN PASSWORD '{AppPassword}' IN ROLE linxian_app");
        return superuser;
    }

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAs(bool asRoot, string file, string[] args) =>
        asRoot ? Run("runuser", ["-u", "postgres", "--", file, .. args]) : Run(file, args);

    private static async Task Run(string file, string[] args)
    {
        var (code, output) = await Command.RunAsync(file, args, "/tmp");
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {output}");
        }
    }
}
