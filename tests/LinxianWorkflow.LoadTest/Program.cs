using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LinxianWorkflow.Server.Tests.Infrastructure;

// N concurrent clients drive complete 四议两公开 runs over HTTP against the server on PostgreSQL, all on
// this machine; then pgbench (TPC-B, same client count) on the same PostgreSQL gives the ceiling.
// Actions in the first `warmup` seconds (JIT, pools) are not counted.
//   dotnet run -c Release --project tests/LinxianWorkflow.LoadTest -- [clients=32] [seconds=30] [warmup=10]
//   dotnet run -c Release --project tests/LinxianWorkflow.LoadTest -- [clients] [seconds] [warmup] nolog   (without the Merkle log's batcher)
//   dotnet run -c Release --project tests/LinxianWorkflow.LoadTest -- timers [proposals=5000]   (the timer benchmark, TimerBenchmark.cs)
//   dotnet run -c Release --project tests/LinxianWorkflow.LoadTest -- overview [requests=50]   (the overview at county size, OverviewBenchmark.cs)
if (args.Length > 0 && args[0] == "overview")
{
    return await OverviewBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50);
}

if (args.Length > 0 && args[0] == "timers")
{
    return await TimerBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000);
}

// `nolog` runs the server without the Merkle log's batcher (the cost the log adds to a command); `telemetry` runs it
// with OpenTelemetry on (traces and metrics, served at /metrics): the cost telemetry adds.
var withLog = !args.Contains("nolog");
var withTelemetry = args.Contains("telemetry");
args = [.. args.Where(a => a is not ("nolog" or "telemetry"))];
var clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
var warmup = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;

PostgresServer.Durable = true;
var (app, owner) = await PostgresServer.CreateDatabaseAsync("load");
await using var server = await ServerProcess.StartAsync(
[
    "--Storage:Provider=postgres", $"--Storage:Postgres={app};Maximum Pool Size=64", $"--Storage:PostgresMigrations={owner}", "--demo",
    "--Logging:LogLevel:Default=Warning", $"--Audit:Batcher={withLog}", $"--Telemetry:Prometheus={withTelemetry}",
]);
using var api = new ApiClient(server.Url);
Console.WriteLine($"server {server.Url} on PostgreSQL (durable settings), Merkle log batcher {(withLog ? "on" : "off")}, telemetry {(withTelemetry ? "on" : "off")}, {clients} clients, {seconds} s after {warmup} s of warm-up, {Environment.ProcessorCount} cores");

async Task<string> Token(string user)
{
    var session = (await api.Post("/api/auth/login", new { userName = user, password = "linxian-demo" })).Json.GetProperty("token").GetString();
    return (await api.Post("/api/tokens", new { name = "load", days = 1096 }, session)).Json.GetProperty("token").GetString()!;
}

var users = new[] { "xiwan-secretary", "xiwan-chair", "xiwan-supervisor", "reviewer-109", "admin" };
var tokens = new string[users.Length];
for (var i = 0; i < users.Length; i++)
{
    tokens[i] = await Token(users[i]);
}

// Tokens read at each call, so the ticker can renew them: the run moves the clock by years.
string Secretary() => Volatile.Read(ref tokens[0]);
string Chair() => Volatile.Read(ref tokens[1]);
string Supervisor() => Volatile.Read(ref tokens[2]);
string Reviewer() => Volatile.Read(ref tokens[3]);
string Admin() => Volatile.Read(ref tokens[4]);

// The clock: one ticker moves the demo clock three days every 20 ms (50 requests/s of its own) for everyone;
// clients wait on it for notice and disclosure periods instead of each moving it (which would run the clock
// away). Every 900 days of it, the ticker renews the 1,096-day tokens.
var clock = new Clock();
var renewed = (await api.Post("/api/admin/clock", new { advanceDays = 0.001 }, Admin())).Json.GetProperty("now").GetDateTimeOffset();
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(warmup + seconds));
using var clientsDone = new CancellationTokenSource();
var ticker = Task.Run(async () =>
{
    // Ticks until the last client has finished its run, so none waits forever on a period.
    while (!clientsDone.IsCancellationRequested)
    {
        var now = (await api.Post("/api/admin/clock", new { advanceDays = 3 }, Admin())).Json.GetProperty("now").GetDateTimeOffset();
        if (now - renewed > TimeSpan.FromDays(900))
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                var fresh = (await api.Post("/api/tokens", new { name = "load", days = 1096 }, tokens[i])).Json.GetProperty("token").GetString()!;
                Volatile.Write(ref tokens[i], fresh);
            }

            renewed = now;
        }

        clock.Set(now);
        await Task.Delay(20);
    }
});
clock.Set((await api.Post("/api/admin/clock", new { advanceDays = 0.001 }, Admin())).Json.GetProperty("now").GetDateTimeOffset());

var latencies = new List<(long Start, double Milliseconds)>[clients];
var runs = 0;
var errors = 0;
var conflicts = 0;
var measureFrom = Stopwatch.GetTimestamp() + (long)(warmup * (double)Stopwatch.Frequency);
await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
{
    latencies[c] = [];
    using var client = new ApiClient(server.Url);
    async Task<string?> Act(string token, string path, object body)
    {
        var started = Stopwatch.GetTimestamp();
        var reply = await client.Post(path, body, token);
        latencies[c].Add((started, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        for (var retry = 0; reply.Code == 409 && reply.Rule is "concurrency.conflict" && retry < 3; retry++)
        {
            // A timer fired on the same proposal at that moment: do what a client does, send again.
            Interlocked.Increment(ref conflicts);
            started = Stopwatch.GetTimestamp();
            reply = await client.Post(path, body, token);
            latencies[c].Add((started, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }

        if (reply.Code is not (200 or 201))
        {
            Interlocked.Increment(ref errors);
            Console.Error.WriteLine($"client {c}: {path}: {reply}");
            return null;
        }

        return reply.Json.TryGetProperty("proposalId", out var id) ? id.GetString() : "";
    }

    async Task<bool> Meeting(string token, string id, string step, string kind, int noticeDays, int members, bool attendee)
    {
        var entered = await clock.NextAsync();
        var held = await clock.AtLeastAsync(entered.AddDays(noticeDays).AddHours(1));
        return await Act(token, $"/api/proposals/{id}/actions/record-meeting", new
        {
            stepId = step,
            record = new
            {
                meetingKind = kind,
                heldAt = held,
                noticeGivenAt = noticeDays > 0 ? held.AddDays(-noticeDays - 1) : (DateTimeOffset?)null,
                members,
                exclusions = Array.Empty<object>(),
                present = members - 1,
                yes = members - 2,
                no = 1,
                abstain = 0,
                minutes = "会议记录",
                townshipAttendee = attendee ? "孙干部" : null,
            },
        }) is not null;
    }

    async Task<bool> Disclose(string id, string step)
    {
        if (await Act(Supervisor(), $"/api/proposals/{id}/actions/countersign", new { stepId = step, opinion = "同意" }) is null
            || await Act(Chair(), $"/api/proposals/{id}/actions/publish", new { stepId = step, noticeText = "公示", channels = Board.Channels }) is null)
        {
            return false;
        }

        var published = await clock.NextAsync();
        await clock.AtLeastAsync(published.AddDays(12));
        return await Act(Chair(), $"/api/proposals/{id}/actions/close-disclosure", new { stepId = step }) is not null;
    }

    while (!stop.IsCancellationRequested)
    {
        var id = await Act(Secretary(), "/api/proposals", new
        {
            villagePath = "141124/141124109/141124109207",
            title = "硬化村内主干道800米",
            summary = "预算4.8万元。",
            category = "public-welfare",
            amountYuan = 48000,
            source = "villager-suggestion",
        });
        var ok = id is not null
            && await Act(Secretary(), $"/api/proposals/{id}/actions/complete-task", new { stepId = "intake", outcome = "accepted" }) is not null
            && await Meeting(Secretary(), id, "branch-proposal", "branch-committee", 0, 7, false)
            && await Meeting(Secretary(), id, "two-committee-deliberation", "two-committee", 0, 9, false)
            && await Act(Supervisor(), $"/api/proposals/{id}/actions/complete-task", new { stepId = "supervision-check", outcome = "endorsed" }) is not null
            && await Act(Reviewer(), $"/api/proposals/{id}/actions/review", new { stepId = "township-review", decision = "approve", reasons = "同意" }) is not null
            && await Meeting(Secretary(), id, "party-member-review", "party-members", 3, 42, true)
            && await Meeting(Chair(), id, "villager-resolution", "villager-representatives", 5, 31, true)
            && await Disclose(id, "resolution-disclosure")
            && await Act(Chair(), $"/api/proposals/{id}/actions/report-progress", new { stepId = "implementation", stage = "after", summary = "完工", costYuan = 47500, disclose = true }) is not null
            && await Act(Chair(), $"/api/proposals/{id}/actions/complete-implementation", new { stepId = "implementation", summary = "完成", totalCostYuan = 47500 }) is not null
            && await Disclose(id, "result-disclosure");
        if (ok)
        {
            Interlocked.Increment(ref runs);
        }
    }
})));
var elapsed = Stopwatch.GetElapsedTime(measureFrom).TotalSeconds;
await clientsDone.CancelAsync();
await ticker;

var all = latencies.SelectMany(l => l).Where(l => l.Start >= measureFrom).Select(l => l.Milliseconds).Order().ToList();
double Percentile(double p) => all[Math.Min(all.Count - 1, (int)Math.Ceiling(p * all.Count) - 1)];
var actionsPerSecond = all.Count / elapsed;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"service: {all.Count} actions in {elapsed:F1} s = {actionsPerSecond:F0} actions/s; p50 {Percentile(0.50):F1} ms, p99 {Percentile(0.99):F1} ms; {runs} complete runs in all; {conflicts} retried 409s; {errors} errors"));

// Inclusion proofs once the log has caught up: 8 clients × 250 requests each for random events of the
// proposals just run, against /health the same way (the floor of one HTTP request here).
if (withLog)
{
    var auditorSession = (await api.Post("/api/auth/login", new { userName = "auditor", password = "linxian-demo" })).Json.GetProperty("token").GetString()!;
    long logSize = -1;
    for (var stable = 0; stable < 3; await Task.Delay(1000))
    {
        var size = long.Parse((await api.Get("/api/public/log/checkpoint")).Text.Split('\n')[1], CultureInfo.InvariantCulture);
        stable = size == logSize ? stable + 1 : 0;
        logSize = size;
    }

    var proposals = (await api.Get("/api/proposals?limit=200&status=ended", auditorSession)).Json.EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray();
    async Task<List<double>> Time(Func<Random, string> path, string? token)
    {
        var timings = new List<double>[8];
        await Task.WhenAll(Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            timings[c] = [];
            for (var i = 0; i < 250; i++)
            {
                var target = path(random);
                var started = Stopwatch.GetTimestamp();
                var reply = await api.Get(target, token);
                timings[c].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (reply.Code != 200)
                {
                    throw new InvalidOperationException($"{target}: {reply}");
                }
            }
        })));
        return [.. timings.SelectMany(t => t).Order()];
    }

    static double At(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    // The first proof after the run, on its own (the batcher already holds the tree on this node), then warm requests.
    var cold = Stopwatch.GetTimestamp();
    var firstProof = await api.Get($"/api/proposals/{proposals[0]}/events/1/proof", auditorSession);
    var coldMs = Stopwatch.GetElapsedTime(cold).TotalMilliseconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first proof after the run: {coldMs:F0} ms ({firstProof.Code})"));
    await Time(r => $"/api/proposals/{proposals[r.Next(proposals.Length)]}/events/1/proof", auditorSession); // warm-up: JIT, pools
    var health = await Time(_ => "/health/live", null);
    var proofs = await Time(r => $"/api/proposals/{proposals[r.Next(proposals.Length)]}/events/{r.Next(1, 6)}/proof", auditorSession);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"inclusion proofs over a log of {logSize} events, 8 clients: p50 {At(proofs, 0.5):F2} ms, p99 {At(proofs, 0.99):F2} ms; /health/live p50 {At(health, 0.5):F2} ms, p99 {At(health, 0.99):F2} ms; proof / health p99 = {At(proofs, 0.99) / At(health, 0.99):F1}"));
}

// The ceiling: pgbench's TPC-B on the same server, same client count.
var superuser = await PostgresServer.SuperuserAsync();
var port = Regex.Match(superuser, @"Port=(\d+)").Groups[1].Value;
await Pgbench("-i", "-q", "-s", "10", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "postgres");
var output = await Pgbench("-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-b", "tpcb-like",
    "-h", "127.0.0.1", "-p", port, "-U", "postgres", "postgres");
var tps = double.Parse(Regex.Match(output, @"tps = ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pgbench TPC-B: {tps:F0} tps; service / pgbench = {actionsPerSecond / tps:F2}"));
return errors == 0 ? 0 : 1;

static async Task<string> Pgbench(params string[] args)
{
    var info = new ProcessStartInfo(Path.Combine(PostgresServer.Bin, "pgbench")) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in args)
    {
        info.ArgumentList.Add(a);
    }

    using var process = Process.Start(info)!;
    var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    return process.ExitCode == 0 ? output : throw new InvalidOperationException("pgbench failed: " + output);
}

internal static class Board
{
    public static readonly string[] Channels = ["公开栏"];
}

/// <summary>The last "now" the ticker read from the server; clients wait on it.</summary>
internal sealed class Clock
{
    private readonly object _gate = new();
    private DateTimeOffset _now;
    private TaskCompletionSource _tick = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set(DateTimeOffset now)
    {
        TaskCompletionSource tick;
        lock (_gate)
        {
            _now = now;
            tick = _tick;
            _tick = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        tick.SetResult();
    }

    /// <summary>The server's "now" after the next tick: later than anything committed before this call.</summary>
    public async Task<DateTimeOffset> NextAsync()
    {
        Task tick;
        lock (_gate)
        {
            tick = _tick.Task;
        }

        await tick;
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Waits until the server's clock has passed <paramref name="instant"/>; returns a "now" at or after it.</summary>
    public async Task<DateTimeOffset> AtLeastAsync(DateTimeOffset instant)
    {
        while (true)
        {
            var now = await NextAsync();
            if (now >= instant)
            {
                return now;
            }
        }
    }
}
