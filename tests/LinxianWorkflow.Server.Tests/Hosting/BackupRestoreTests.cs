using LinxianWorkflow.Server.Tests.Features.Audit;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Hosting;

/// <summary>
/// The backup and restore runbook of docs/operations.md, drilled: a backup taken while clients make proposals through
/// the API (SQLite: the `backup` command; PostgreSQL: pg_dump -Fc), the log signed on past it, the service stopped, the
/// backup restored into a new store with the key, its state file and the privacy secret from their own backup. The
/// restored node refuses to sign a log behind what its key signed (log.rolled-back) until `rotate-log-key
/// --after-restore`; then every proposal acknowledged before the backup is there, its history and log verification
/// intact, and the service goes on appending to one verifiable log.
/// </summary>
public sealed class BackupRestoreTests
{
    private static readonly string[] Villages = ["xiwan", "lijiashan", "nanguan"];

    [Fact]
    public async Task A_sqlite_backup_taken_under_load_restores_into_a_service_whose_history_verifies_and_goes_on()
    {
        var backup = Path.Combine(Directory.CreateTempSubdirectory("linxian-backup-").FullName, "linxian-backup.db");
        await DrillAsync(new SqliteService(),
            async old =>
            {
                var (code, output) = await ServerProcess.RunCommandAsync("backup", backup, $"--Storage:SqlitePath={LogNodes.Argument(old, "Storage:SqlitePath")}");
                Assert.True(code == 0, output);
                Assert.Contains("备份完成 / backed up", output, StringComparison.Ordinal);
                LogNodes.AssertOwnerOnly(backup);
                (code, output) = await ServerProcess.RunCommandAsync("backup", backup, $"--Storage:SqlitePath={LogNodes.Argument(old, "Storage:SqlitePath")}");
                Assert.True(code == 2 && output.Contains("was not overwritten", StringComparison.Ordinal), output);
            },
            () =>
            {
                var restored = Path.Combine(Directory.CreateTempSubdirectory("linxian-restored-").FullName, "linxian.db");
                File.Copy(backup, restored);
                return Task.FromResult<IReadOnlyList<string>>([$"--Storage:SqlitePath={restored}"]);
            });
    }

    [Fact]
    public async Task A_postgres_dump_taken_under_load_restores_into_a_fresh_database_whose_history_verifies_and_goes_on()
    {
        var dump = Path.Combine(Directory.CreateTempSubdirectory("linxian-backup-").FullName, "linxian.dump");
        await DrillAsync(new PostgresService(),
            async old => await PostgresServer.Run(Path.Combine(PostgresServer.Bin, "pg_dump"),
                ["-Fc", .. Connection(LogNodes.Argument(old, "Storage:PostgresMigrations")), "-f", dump]),
            async () =>
            {
                var (app, owner) = await PostgresServer.CreateDatabaseAsync("restored");
                await PostgresServer.Run(Path.Combine(PostgresServer.Bin, "pg_restore"), [.. Connection(owner), "--exit-on-error", dump]);
                return ["--Storage:Provider=postgres", $"--Storage:Postgres={app}", $"--Storage:PostgresMigrations={owner}"];
            });
    }

    private static Walker WalkerFor(ServiceFixture service, string village) => new(service, village, village == "nanguan" ? "reviewer-100" : "reviewer-109");

    private static string[] Connection(string connectionString)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        return ["-h", c.Host!, "-p", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", c.Username!, "-d", c.Database!];
    }

    /// <summary>A deployment restored from a backup into a store of its own, with the old deployment's secret files.</summary>
    private sealed class Restored(IReadOnlyList<string> store, string files) : ServiceFixture
    {
        public override string StoreName => "restored";

        protected override Task<IReadOnlyList<string>> StoreArgsAsync() => Task.FromResult(store);

        protected override IEnumerable<string> ExtraArguments => [$"--Audit:KeyFile={files}/log-ed25519.key", $"--Privacy:SecretFile={files}/privacy.key"];
    }

    private static async Task DrillAsync(ServiceFixture old, Func<ServiceFixture, Task> takeBackup, Func<Task<IReadOnlyList<string>>> restore)
    {
        await old.InitializeAsync();
        var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<string>();
        string[] beforeBackup;
        string after;
        try
        {
            // Light load: three villages' secretaries make proposals one after another until the backup is taken.
            using var stop = new CancellationTokenSource();
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var clients = Villages.Select(village => Task.Run(async () =>
            {
                var walker = WalkerFor(old, village);
                for (var n = 1; !stop.IsCancellationRequested; n++)
                {
                    acknowledged.Enqueue(await walker.StartAsync($"备份演练：{village} 第{n}件"));
                    if (acknowledged.Count >= 6)
                    {
                        enough.TrySetResult();
                    }
                }
            })).ToList();
            await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
            beforeBackup = [.. acknowledged];
            await takeBackup(old);
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            Assert.True(acknowledged.Count > beforeBackup.Length, "the clients went on while the backup was taken");

            // The log is signed on past the backup, and the node's state file remembers that (what the rollback guard reads).
            after = await new Walker(old).StartAsync("备份之后的提议");
            var signed = await new LogReader(old).LoggedAsync(after);
            var state = LogNodes.Argument(old, "Audit:KeyFile") + ".state";
            await LogNodes.UntilAsync(() => File.Exists(state) && long.Parse(File.ReadAllText(state).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= signed.Size,
                "the state file remembers the newest checkpoint");
        }
        finally
        {
            await old.DisposeAsync();
        }

        // The secrets come from their own backup: the log key with its state file, and the privacy secret.
        var files = Directory.CreateTempSubdirectory("linxian-restored-files-").FullName;
        var keyFile = LogNodes.Argument(old, "Audit:KeyFile");
        foreach (var (from, to) in new[] { (keyFile, "log-ed25519.key"), (keyFile + ".state", "log-ed25519.key.state"), (LogNodes.Argument(old, "Privacy:SecretFile"), "privacy.key") })
        {
            File.Copy(from, Path.Combine(files, to));
        }

        var restored = new Restored(await restore(), files);
        await restored.InitializeAsync();
        try
        {
            var refused = await restored.Api.Get("/health/ready");
            Assert.True((refused.Code, refused.Rule) == (503, "log.rolled-back"), refused.ToString());

            // The runbook's way on when no newer backup exists: hand the log over after the restore, on the record.
            await restored.Server.DisposeAsync();
            var (code, output) = await ServerProcess.RunCommandAsync(["rotate-log-key", "--after-restore", .. LogNodes.StoreAndKey(restored)]);
            Assert.True(code == 0, output);
            Assert.Contains("放弃的检查点 / checkpoint given up", output, StringComparison.Ordinal);
            await restored.RestartAsync();
            var ready = await restored.Api.Get("/health/ready");
            Assert.True(ready.Code == 200, ready.ToString());

            // Events the backup holds beyond its newest checkpoint wait in its outbox: the restored node signs them.
            var auditor = await restored.TokenFor("auditor");
            var log = new LogReader(restored);
            foreach (var id in beforeBackup)
            {
                await log.LoggedAsync(id);
                var history = await restored.Api.Get($"/api/proposals/{id}/history", auditor);
                Assert.True(history.Code == 200 && history.Json.GetProperty("intact").GetBoolean(), $"{id}: {history}");
                var verification = await restored.Api.Get($"/api/proposals/{id}/verification", auditor);
                Assert.True(verification.Code == 200 && verification.Json.GetProperty("intact").GetBoolean(), $"{id}: {verification}");
            }

            Assert.Equal(404, (await restored.Api.Get($"/api/proposals/{after}/history", auditor)).Code); // after the backup: lost, as the hand-over records

            // And it goes on: a new proposal and a step on an old one, signed into the log, verified.
            var fresh = await new Walker(restored).StartAsync("恢复之后的提议");
            var earlier = beforeBackup[0];
            var walker = Villages.Select(v => WalkerFor(restored, v)).Single(w => earlier.StartsWith(w.VillagePath[^12..], StringComparison.Ordinal));
            Assert.True(await walker.StepAsync(earlier));
            await log.LoggedAsync(fresh);
            await log.LoggedAsync(earlier);
            foreach (var id in new[] { fresh, earlier })
            {
                var verification = await restored.Api.Get($"/api/proposals/{id}/verification", auditor);
                Assert.True(verification.Code == 200 && verification.Json.GetProperty("intact").GetBoolean(), $"{id}: {verification}");
                var history = await restored.Api.Get($"/api/proposals/{id}/history", auditor);
                Assert.True(history.Code == 200 && history.Json.GetProperty("intact").GetBoolean(), $"{id}: {history}");
            }
        }
        finally
        {
            await restored.DisposeAsync();
        }
    }
}
