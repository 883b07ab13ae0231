using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

/// <summary>
/// The overview at the county's full size (issue 14): 504 villages × 20 proposals a year × 5 years written straight into the read
/// tables (proposals, and the overview's counters as the projection would have kept them for those histories), then the
/// overview page, as the county's auditor and as one township, timed against two baselines in the same run.
/// </summary>
internal static partial class OverviewBenchmark
{
    public static async Task<int> RunAsync(int requests)
    {
        PostgresServer.Durable = true;
        var (app, owner) = await PostgresServer.CreateDatabaseAsync("overview");
        await using var server = await ServerProcess.StartAsync(
        [
            "--Storage:Provider=postgres", $"--Storage:Postgres={app}", $"--Storage:PostgresMigrations={owner}", "--demo", "--Logging:LogLevel:Default=Warning",
        ]);
        await using var db = new NpgsqlConnection(owner);
        await db.OpenAsync();
        var watch = Stopwatch.StartNew();
        await Exec(db, Generate);
        await Exec(db, "VACUUM ANALYZE proposals");
        await Exec(db, "VACUUM ANALYZE overview_tallies");
        var seconds = watch.Elapsed.TotalSeconds;
        var (proposals, villages) = (await Scalar(db, "SELECT count(*) FROM proposals"), await Scalar(db, "SELECT count(DISTINCT village_code) FROM proposals"));
        var (counters, stays) = (await Scalar(db, "SELECT count(*) FROM overview_tallies"), await Scalar(db, "SELECT sum(n) FROM overview_tallies WHERE metric = 'step-time'"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {proposals:N0} proposals in {villages:N0} villages, {counters:N0} counter rows ({stays:N0} step stays) in {seconds:F1} s; server {server.Url}, {Environment.ProcessorCount} cores"));

        using var auditor = await SignInAsync(server.Url, "auditor");
        using var reviewer = await SignInAsync(server.Url, "reviewer-109");
        var proposal = (string)await Scalar(db, "SELECT id FROM proposals WHERE id NOT LIKE 'bench-%' ORDER BY id LIMIT 1");
        var cases = new (string Name, HttpClient Client, string Path)[]
        {
            ("GET /health/live (baseline)", auditor, "/health/live"),
            ("GET /proposals/{id}, one demo proposal's page (baseline)", auditor, "/proposals/" + proposal),
            ("GET /overview, county auditor (50,400 proposals)", auditor, "/overview"),
            ("GET /overview?township=碛口镇, county auditor", auditor, "/overview?township=141124109"),
            ("GET /overview, 碛口镇's reviewer", reviewer, "/overview"),
            ("GET /overview/csv?chart=step-times, county", auditor, "/overview/csv?chart=step-times"),
        };
        var results = new List<(string Name, double P50, double P99)>();
        foreach (var (name, client, path) in cases)
        {
            var times = new List<double>();
            for (var i = -5; i < requests; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{path}: {response.StatusCode}");
                }

                if (i >= 0)
                {
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            times.Sort();
            results.Add((name, Percentile(times, 0.5), Percentile(times, 0.99)));
        }

        var baseline = results[0];
        var page = results[1];
        Console.WriteLine($"{requests} sequential requests each after 5 not counted:");
        foreach (var (name, p50, p99) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: p50 {p50:F2} ms, p99 {p99:F2} ms; p50 {p50 / baseline.P50:F1}× /health/live, {p50 / page.P50:F2}× a proposal's page"));
        }

        // The statements alone, as the overview sends them for the county (no township filter).
        foreach (var sql in new[]
        {
            "SELECT current_step, status, result, category, CASE WHEN amount_fen < 1000000 THEN 0 WHEN amount_fen < 5000000 THEN 1 WHEN amount_fen < 20000000 THEN 2 WHEN amount_fen < 100000000 THEN 3 ELSE 4 END, COUNT(*) FROM proposals WHERE 1 = 1 GROUP BY 1, 2, 3, 4, 5",
            "SELECT township_code, village_code, COUNT(*) FROM proposals WHERE overdue AND status = 'running' AND 1 = 1 GROUP BY township_code, village_code",
            "SELECT metric, step_id, bucket, CAST(SUM(n) AS bigint) FROM overview_tallies WHERE 1 = 1 GROUP BY metric, step_id, bucket",
        })
        {
            var plan = new List<string>();
            await using (var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, db))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(0));
                }
            }

            Console.WriteLine($"  {sql[..Math.Min(60, sql.Length)]}…: {plan[^1].Trim()}; {plan.FirstOrDefault(p => p.Contains("Scan", StringComparison.Ordinal))?.Trim()}");
        }

        return 0;
    }

    // 504 villages (every village and community of the county) × 100 proposals started over 5 years: most archived, some
    // ended otherwise, the last months' still running at a step of the main path, a fifth of those overdue; the counters
    // as the projection keeps them: each step left with a stay drawn around its typical length, two disclosures closed
    // per archived proposal (nine in ten on time), objections on one in ten.
    private const string Generate = """
        INSERT INTO proposals (id, village_path, village_code, township_code, title, category, amount_fen, status, result, current_step, step_kind, visit,
            version, definition_key, profile_key, started_at, updated_at, step_entered_at, due_at, overdue, last_hash)
        SELECT 'bench-' || v.code || '-' || g, '141124/' || v.parent_code || '/' || v.code, v.code, v.parent_code, '议题 ' || g,
            (ARRAY['general','public-welfare','collective-assets','collective-income','land-compensation','homestead','yishi-yiyi','land-contracting'])[1 + (abs(hashtext(v.code || g)) % 8)],
            (power(10, 3 + (abs(hashtext(g || v.code)) % 4000) / 1000.0) * 100)::bigint,
            CASE WHEN g > 96 THEN 'running' ELSE 'ended' END,
            CASE WHEN g > 96 THEN NULL WHEN g % 20 = 0 THEN 'declined' WHEN g % 33 = 0 THEN 'withdrawn' ELSE 'archived' END,
            CASE WHEN g > 96 THEN (ARRAY['intake','township-review','party-member-review','resolution-disclosure','implementation'])[1 + (abs(hashtext(v.code || g || 's')) % 5)]
                 WHEN g % 20 = 0 THEN 'declined' WHEN g % 33 = 0 THEN 'withdrawn' ELSE 'archived' END,
            'task', 1, 20, 'siyi-liangkai@1', 'linxian@1',
            now() - (100 - g) * interval '18 days', now() - (96 - least(g, 96)) * interval '18 days', now() - interval '3 days', NULL,
            g > 96 AND abs(hashtext(v.code || g || 'o')) % 5 = 0, repeat('0', 64)
        FROM areas v CROSS JOIN generate_series(1, 100) g WHERE v.level IN ('village', 'community');

        INSERT INTO overview_tallies (township_code, metric, step_id, bucket, n)
        SELECT township_code, 'step-time', step, CASE WHEN t < 100 THEN t WHEN t < 1000 THEN t / 10 * 10 ELSE t / 100 * 100 END, count(*)
        FROM (SELECT p.township_code, s.step, least(3650, floor(-ln(1 - random() * 0.999) * s.typical * 10))::int AS t
        FROM proposals p CROSS JOIN (VALUES ('intake', 2), ('branch-proposal', 3), ('two-committee-deliberation', 3), ('supervision-check', 2), ('township-review', 5),
            ('party-member-review', 5), ('villager-resolution', 8), ('resolution-disclosure', 9), ('implementation', 60), ('result-disclosure', 9)) AS s (step, typical)
        WHERE p.result = 'archived') stays
        GROUP BY 1, 2, 3, 4
        ON CONFLICT (township_code, metric, step_id, bucket) DO UPDATE SET n = overview_tallies.n + excluded.n;

        INSERT INTO overview_tallies (township_code, metric, step_id, bucket, n)
        SELECT p.township_code, 'disclosure-closed', s.step, CASE WHEN random() < 0.9 THEN 1 ELSE 0 END, count(*)
        FROM proposals p CROSS JOIN (VALUES ('resolution-disclosure'), ('result-disclosure')) AS s (step)
        WHERE p.result = 'archived'
        GROUP BY 1, 2, 3, 4
        ON CONFLICT (township_code, metric, step_id, bucket) DO UPDATE SET n = overview_tallies.n + excluded.n;

        INSERT INTO overview_tallies (township_code, metric, step_id, bucket, n)
        SELECT p.township_code, m.metric, 'resolution-disclosure', 0, count(*) * m.share / 100
        FROM proposals p CROSS JOIN (VALUES ('objection-lodged', 10), ('objection-answered', 9), ('objection-escalated', 3), ('objection-upheld', 1)) AS m (metric, share)
        GROUP BY 1, 2, m.share
        ON CONFLICT (township_code, metric, step_id, bucket) DO UPDATE SET n = overview_tallies.n + excluded.n;
        """;

    private static async Task<HttpClient> SignInAsync(Uri url, string user)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = url };
        var login = await client.GetStringAsync("/login");
        var token = AntiForgery().Match(login).Groups[1].Value;
        using var form = new FormUrlEncodedContent([new("__af", token), new("userName", user), new("password", "linxian-demo")]);
        using var signedIn = await client.PostAsync("/login", form);
        return signedIn.StatusCode == HttpStatusCode.Redirect ? client : throw new InvalidOperationException($"sign-in {user}: {signedIn.StatusCode}");
    }

    [GeneratedRegex("name=\"__af\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<object> Scalar(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return (await command.ExecuteScalarAsync())!;
    }

    private static async Task Exec(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
