using System.Diagnostics;
using System.Globalization;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

/// <summary>
/// Timers at scale on PostgreSQL (durable settings), the real server process with its sweep every second:
/// (1) lag: 1,000 deadlines falling due 3 s after the clock is moved, how long until each took effect;
/// (2) the sweep's claim query with 100,000 pending timers (most far ahead), none due;
/// (3) a burst: the clock jumps past the deadlines of N proposals (2 N timers due at once), how long until all fired.
/// </summary>
internal static class TimerBenchmark
{
    public static async Task<int> RunAsync(int proposals)
    {
        PostgresServer.Durable = true;
        var (app, owner) = await PostgresServer.CreateDatabaseAsync("timers");
        await using var server = await ServerProcess.StartAsync(
        [
            "--Storage:Provider=postgres", $"--Storage:Postgres={app};Maximum Pool Size=64", $"--Storage:PostgresMigrations={owner}", "--demo",
            "--Logging:LogLevel:Default=Warning", "--Scheduling:SweepSeconds=1", "--Scheduling:SweepBatch=500",
        ]);
        using var api = new ApiClient(server.Url);
        var secretary = await Token(api, "xiwan-secretary");
        var admin = await Token(api, "admin");
        await using var db = new NpgsqlConnection(owner);
        await db.OpenAsync();
        Console.WriteLine($"server {server.Url}, sweep every 1 s, batch 500, Hangfire polling 1 s, {Environment.ProcessorCount} cores");

        // (1) Lag: 1,000 intake deadlines, all at 00:00 China time 11 days on; jump to 3 s before it.
        var lagSet = await StartMany(api, secretary, 1000);
        var deadline = await Scalar<DateTime>(db, "SELECT max(due_at) FROM timers WHERE purpose = 'deadline' AND status = 'pending'");
        var now = await Advance(api, admin, 0.0001);
        await Advance(api, admin, (new DateTimeOffset(deadline, TimeSpan.Zero) - now).TotalDays - (3.0 / 86400));
        await WaitFor(db, $"SELECT count(*) FROM events WHERE type = 'DeadlineEscalated' AND instance_id = ANY(@ids)", lagSet.Count, lagSet);
        var lags = await Lags(db, lagSet, new DateTimeOffset(deadline, TimeSpan.Zero));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lag from due to effect, {lags.Count} deadlines due together: p50 {Percentile(lags, 0.5):F2} s, p99 {Percentile(lags, 0.99):F2} s, max {lags[^1]:F2} s"));

        // (2) The sweep's claim query over 100,000 pending timers, none due.
        var burstSet = await StartMany(api, secretary, proposals);
        var pending = await Scalar<long>(db, "SELECT count(*) FROM timers WHERE status = 'pending'");
        await Exec(db, "INSERT INTO timers (instance_id, timer_id, step_id, visit, purpose, on_expiry, due_at, status, created_at) " +
            $"SELECT 'far-' || g, 'far', 'intake', 1, 'deadline', 'escalate', now() + interval '10 years', 'pending', now() FROM generate_series(1, {100_000 - pending}) g");
        await Exec(db, "ANALYZE timers");
        var claims = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var watch = Stopwatch.StartNew();
            await Exec(db, "BEGIN; UPDATE timers SET claimed_until = now() WHERE (instance_id, timer_id) IN (SELECT instance_id, timer_id FROM timers " +
                "WHERE status = 'pending' AND due_at <= now() AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY due_at LIMIT 500 FOR UPDATE SKIP LOCKED); ROLLBACK");
            claims.Add(watch.Elapsed.TotalMilliseconds);
        }

        claims.Sort();
        var total = await Scalar<long>(db, "SELECT count(*) FROM timers WHERE status = 'pending'");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sweep claim over {total:N0} pending timers, none due: p50 {Percentile(claims, 0.5):F2} ms, p99 {Percentile(claims, 0.99):F2} ms"));

        // (3) Burst: jump 12 days; every reminder and deadline of the burst set is due at once.
        var due = await Scalar<long>(db, "SELECT count(*) FROM timers WHERE status = 'pending' AND instance_id = ANY(@ids)", burstSet);
        var jump = await Advance(api, admin, 12);
        var started = Stopwatch.StartNew();
        await WaitFor(db, "SELECT count(*) FROM events WHERE type = 'TimerFired' AND instance_id = ANY(@ids)", due, burstSet);
        var seconds = started.Elapsed.TotalSeconds;
        var burstLags = await Lags(db, burstSet, jump, "TimerFired");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"burst: {due:N0} timers due at once fired in {seconds:F1} s = {due / seconds:F0} timers/s; lag p50 {Percentile(burstLags, 0.5):F2} s, p99 {Percentile(burstLags, 0.99):F2} s"));
        var doubled = await Scalar<long>(db, "SELECT count(*) FROM (SELECT instance_id, record::json->'data'->>'timerId' AS t FROM events WHERE type = 'TimerFired' GROUP BY 1, 2 HAVING count(*) > 1) d");
        Console.WriteLine($"timers fired twice: {doubled}");
        return doubled == 0 ? 0 : 1;
    }

    private static async Task<string> Token(ApiClient api, string user)
    {
        var session = (await api.Post("/api/auth/login", new { userName = user, password = "linxian-demo" })).Json.GetProperty("token").GetString();
        return (await api.Post("/api/tokens", new { name = "timers", days = 1096 }, session)).Json.GetProperty("token").GetString()!;
    }

    private static async Task<DateTimeOffset> Advance(ApiClient api, string admin, double days) =>
        (await api.Post("/api/admin/clock", new { advanceDays = days }, admin)).Json.GetProperty("now").GetDateTimeOffset();

    private static async Task<List<string>> StartMany(ApiClient api, string token, int count)
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var reply = await api.Post("/api/proposals", new
            {
                villagePath = "141124/141124109/141124109207",
                title = $"计时测试 {i}",
                summary = "测试",
                category = "general",
                amountYuan = 1,
                source = "cadre",
            }, token);
            ids.Add(reply.Json.GetProperty("proposalId").GetString()!);
        });
        return [.. ids];
    }

    private static async Task<List<double>> Lags(NpgsqlConnection db, List<string> ids, DateTimeOffset from, string type = "DeadlineEscalated")
    {
        await using var command = new NpgsqlCommand("SELECT at FROM events WHERE type = @type AND instance_id = ANY(@ids)", db);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var lags = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lags.Add((new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero) - from).TotalSeconds);
        }

        lags.Sort();
        return lags;
    }

    private static async Task WaitFor(NpgsqlConnection db, string countSql, long expected, List<string> ids)
    {
        var waited = Stopwatch.StartNew();
        while (await Scalar<long>(db, countSql, ids) < expected)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"not all {expected} fired within 10 minutes");
            }

            await Task.Delay(100);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<T> Scalar<T>(NpgsqlConnection db, string sql, List<string>? ids = null)
    {
        await using var command = new NpgsqlCommand(sql, db);
        if (ids is not null)
        {
            command.Parameters.AddWithValue("ids", ids.ToArray());
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Exec(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }
}
