using System.Net;
using AngleSharp.Html.Parser;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Hosting;

/// <summary>
/// Secrets and least privilege (issue 16): connection strings from files only their owner can read, the schema changed
/// by `migrate` with the owner's login and the service running with its own, the service's files its user's alone,
/// one data-protection key ring for the deployment's nodes, and the demo kept apart from real data both ways.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are Unix's
public sealed class SecretsTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static string Secret(string dir, string name, string text, UnixFileMode mode)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    /// <summary>Starts a server that must refuse to start; the output it printed.</summary>
    private static async Task<string> RefusedAsync(params string[] args)
    {
        try
        {
            await using var server = await ServerProcess.StartAsync(args);
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }

        Assert.Fail($"the server started with {string.Join(' ', args)}");
        return "";
    }

    [Fact]
    public async Task A_connection_string_file_others_can_read_is_refused_and_after_migrate_the_service_runs_with_its_own_login_alone()
    {
        var (app, owner) = await PostgresServer.CreateDatabaseAsync("secrets");
        var dir = Directory.CreateTempSubdirectory("linxian-secrets-").FullName;
        var appFile = Secret(dir, "service.conn", app, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string[] service = ["--Storage:Provider=postgres", $"--Storage:PostgresFile={appFile}", "--demo",
            $"--Audit:KeyFile={dir}/log-ed25519.key", $"--Privacy:SecretFile={dir}/privacy.key", $"--Notifications:LogPath={dir}/notifications.log"];

        var refused = await RefusedAsync(service);
        Assert.Contains($"run chmod 600 {appFile}", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused, StringComparison.Ordinal); // the reason alone, no stack trace

        // Readable by its owner only, but the schema is not there yet and the service's login may not make it.
        File.SetUnixFileMode(appFile, OwnerOnly);
        refused = await RefusedAsync(service);
        Assert.Contains("run `migrate` with the owner's login", refused, StringComparison.Ordinal);
        Assert.Contains("0001_initial.sql", refused, StringComparison.Ordinal);

        var ownerFile = Secret(dir, "owner.conn", owner, OwnerOnly);
        var (code, output) = await ServerProcess.RunCommandAsync("migrate", "--Storage:Provider=postgres", $"--Storage:PostgresMigrationsFile={ownerFile}");
        Assert.True(code == 0, output);
        Assert.Contains("applied: 0001_initial.sql", output, StringComparison.Ordinal);
        (code, output) = await ServerProcess.RunCommandAsync("migrate", "--Storage:Provider=postgres", $"--Storage:PostgresMigrationsFile={ownerFile}");
        Assert.True(code == 0 && output.Contains("the schema is up to date", StringComparison.Ordinal), output);

        // The service with its own login alone: ready, and it works (the demo seeded, a proposal made).
        await using var server = await ServerProcess.StartAsync(service);
        using var api = new ApiClient(server.Url);
        Assert.Equal(200, (await api.Get("/health/ready")).Code);
        var token = (await api.Post("/api/auth/login", new { userName = "xiwan-secretary", password = "linxian-demo" })).Json.GetProperty("token").GetString();
        var started = await api.Post("/api/proposals", new
        {
            villagePath = "141124/141124109/141124109207",
            title = "只用服务账户",
            summary = "最小权限",
            category = "general",
            amountYuan = 100,
            source = "cadre",
        }, token);
        Assert.True(started.Code == 201, started.ToString());

        // That login cannot change history: not by the grants, and it cannot switch the trigger off either (only the owner can).
        await using var connection = new NpgsqlConnection(app);
        await connection.OpenAsync();
        foreach (var sql in new[] { "UPDATE events SET record = record", "DELETE FROM events", "ALTER TABLE events DISABLE TRIGGER events_append_only_rows" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var e = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.True(e.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {e.SqlState} {e.MessageText}");
        }

        // The operator's other commands need no more than the service's login either, once the schema is current.
        (code, output) = await ServerProcess.RunCommandAsync("create-admin", "root", "141124", "--Storage:Provider=postgres", $"--Storage:PostgresFile={appFile}");
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task The_demo_refuses_real_data_a_real_start_refuses_the_demo_and_the_files_are_the_service_users_alone()
    {
        var dir = Directory.CreateTempSubdirectory("linxian-demo-guard-").FullName;
        var data = Path.Combine(dir, "data");
        var demoDb = Path.Combine(data, "demo.db");
        string[] files = [$"--Audit:KeyFile={data}/log-ed25519.key", $"--Privacy:SecretFile={data}/privacy.key", $"--Notifications:LogPath={data}/notifications.log"];
        await using (var demo = await ServerProcess.StartAsync([$"--Storage:SqlitePath={demoDb}", "--demo", .. files]))
        {
            using var api = new ApiClient(demo.Url);
            Assert.Equal(200, (await api.Get("/health/ready")).Code);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            await Features.Audit.LogNodes.UntilAsync(() => File.Exists($"{data}/notifications.log"), "the demo's notices delivered to the log file");
            foreach (var file in new[] { demoDb, demoDb + "-wal", demoDb + "-shm", $"{data}/log-ed25519.key", $"{data}/privacy.key", $"{data}/notifications.log" })
            {
                Assert.True(File.Exists(file), file);
                Assert.True(File.GetUnixFileMode(file) == OwnerOnly, $"{file}: {File.GetUnixFileMode(file)}");
            }
        }

        // The demo database without --demo: refused, by its mark and, with the mark gone, by its accounts.
        var refused = await RefusedAsync([$"--Storage:SqlitePath={demoDb}", .. files]);
        // 32 accounts: admin, auditor, 2 township people (reviewer, judicial) in 3 townships, 6 village people in 4 villages (workflows/demo/people.json).
        Assert.Contains("this is a demo database (32 demo accounts", refused, StringComparison.Ordinal);
        await using (var connection = new SqliteConnection($"Data Source={demoDb};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new SqliteCommand("DELETE FROM settings WHERE key LIKE 'demo.%'", connection);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Contains("this is a demo database", await RefusedAsync([$"--Storage:SqlitePath={demoDb}", .. files]), StringComparison.Ordinal);

        // A real database (its first administrator made) refuses the demo and starts without it.
        var realDb = Path.Combine(data, "real.db");
        var (code, output) = await ServerProcess.RunCommandAsync("create-admin", "root", "141124", $"--Storage:SqlitePath={realDb}");
        Assert.True(code == 0, output);
        Assert.Contains("does not start with --demo", await RefusedAsync([$"--Storage:SqlitePath={realDb}", "--demo", .. files]), StringComparison.Ordinal);
        await using var real = await ServerProcess.StartAsync([$"--Storage:SqlitePath={realDb}", $"--Audit:KeyFile={dir}/real.key", $"--Privacy:SecretFile={dir}/real-privacy.key"]);
        using var realApi = new ApiClient(real.Url);
        Assert.Equal(200, (await realApi.Get("/health/ready")).Code);
        Assert.Equal(401, (await realApi.Post("/api/auth/login", new { userName = "admin", password = "linxian-demo" })).Code);
    }

    [Fact]
    public async Task Two_nodes_share_the_key_ring_so_a_form_from_one_node_posts_to_the_other()
    {
        var service = new PostgresService();
        await service.InitializeAsync();
        try
        {
            // Another machine, as far as the framework's default key store goes (~/.aspnet/DataProtection-Keys, per user and machine).
            var home = Directory.CreateTempSubdirectory("linxian-home-").FullName;
            await using var second = await ServerProcess.StartAsync(service.Arguments, new Dictionary<string, string> { ["HOME"] = home });
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });

            // The sign-in page (its anti-forgery cookie and token) from the first node; the form posted to the second.
            var page = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync(new Uri(service.Server.Url, "/login")));
            var fields = PageSession.Fields(page.QuerySelector("form.narrow")!);
            Assert.Contains(fields, f => f.Key == "__af");
            using var forged = await browser.PostAsync(new Uri(second.Url, "/login"), new FormUrlEncodedContent(
                [.. fields.Where(f => f.Key != "__af"), new("userName", "xiwan-secretary"), new("password", "linxian-demo")]));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode); // without the token: the check is real

            using var signedIn = await browser.PostAsync(new Uri(second.Url, "/login"), new FormUrlEncodedContent(
                [.. fields, new("userName", "xiwan-secretary"), new("password", "linxian-demo")]));
            Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");

            // And back: a page of the second node, its form accepted by the first.
            var inbox = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync(new Uri(second.Url, "/login")));
            using var back = await browser.PostAsync(new Uri(service.Server.Url, "/login"), new FormUrlEncodedContent(
                [.. PageSession.Fields(inbox.QuerySelector("form.narrow")!), new("userName", "xiwan-chair"), new("password", "linxian-demo")]));
            Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        }
        finally
        {
            await service.DisposeAsync();
        }
    }
}
