using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Timers;

// Time over real HTTP: the demo clock is moved forward and the sweep (every 0.5 s here) fires what fell due,
// through the same engine path as any command. Once on SQLite (in-memory Hangfire), once on PostgreSQL.

public abstract class TimerTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture
{
    protected TService Service { get; } = service;

    [Fact]
    public async Task A_reminder_comes_before_the_deadline_and_a_missed_deadline_escalates_once_to_the_township()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync("超期测试：修缮村委会屋顶");
        var secretary = await Service.TokenFor("xiwan-secretary");

        // Intake: 10 days, reminder 2 days before. Day 9: the reminder, not the escalation.
        await walker.AdvanceDaysAsync(9);
        await Eventually(async () => Types(await History(id)).Contains("TimerFired"));
        Assert.DoesNotContain("DeadlineEscalated", Types(await History(id)));
        Assert.Contains(await Notifications("xiwan-secretary"), n => n.GetProperty("proposalId").GetString() == id && n.GetProperty("kind").GetString() == "reminder");

        // Day 12: overdue, escalated once, the township told; the secretary still has the task, now overdue.
        await walker.AdvanceDaysAsync(3);
        await Eventually(async () => Types(await History(id)).Contains("DeadlineEscalated"));
        await Task.Delay(1500); // a few more sweeps: nothing more may happen
        var types = Types(await History(id));
        Assert.Single(types, t => t == "DeadlineEscalated");
        Assert.Equal(2, types.Count(t => t == "TimerFired"));
        var view = (await Service.Api.Get($"/api/proposals/{id}", secretary)).Json;
        Assert.True(view.GetProperty("overdue").GetBoolean());
        Assert.Contains(await Notifications("reviewer-109"), n => n.GetProperty("proposalId").GetString() == id && n.GetProperty("kind").GetString() == "escalated");
        Assert.DoesNotContain(await Notifications("reviewer-100"), n => n.GetProperty("proposalId").GetString() == id);
        var task = (await Service.Api.Get("/api/inbox", secretary)).Json.EnumerateArray().Single(t => t.GetProperty("proposalId").GetString() == id);
        Assert.True(task.GetProperty("overdue").GetBoolean());
        var overdue = (await Service.Api.Get("/api/proposals?overdue=true&limit=200", await Service.TokenFor("reviewer-109"))).Json;
        Assert.Contains(overdue.EnumerateArray(), p => p.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_deadline_left_behind_by_a_later_event_never_fires()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync("按时办理：清理村内河道");
        await walker.StepAsync(id); // intake accepted on day 0: its deadline and reminder are cancelled
        await walker.AdvanceDaysAsync(12);
        await Task.Delay(2000);
        var history = await History(id);
        Assert.DoesNotContain("TimerFired", Types(history));
        Assert.DoesNotContain("DeadlineEscalated", Types(history));
        Assert.Equal(2, Types(history).Count(t => t == "TimerCancelled"));
    }

    [Fact]
    public async Task A_timer_due_while_the_server_was_down_fires_once_after_restart()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync("重启测试：更换村内变压器");
        await walker.AdvanceDaysAsync(5);
        await Service.RestartAsync();

        await walker.AdvanceDaysAsync(7);
        // Both the reminder and the deadline fire (in either order: both were due while the clock jumped), then a
        // restart must not fire either again.
        await Eventually(async () => Types(await History(id)) is var seen && seen.Contains("DeadlineEscalated") && seen.Count(t => t == "TimerFired") >= 2);
        await Service.RestartAsync();
        await Task.Delay(2000); // an absence cannot be waited for by name: give the new process's sweep its chance
        var types = Types(await History(id));
        Assert.Single(types, t => t == "DeadlineEscalated");
        Assert.Equal(2, types.Count(t => t == "TimerFired"));
        Assert.True((await Service.Api.Get($"/api/proposals/{id}/history", await Service.TokenFor("auditor"))).Json.GetProperty("intact").GetBoolean());
    }

    protected async Task<JsonElement> History(string id) =>
        (await Service.Api.Get($"/api/proposals/{id}/history", await Service.TokenFor("auditor"))).Json;

    protected static List<string> Types(JsonElement history) =>
        [.. history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("record").GetProperty("type").GetString()!)];

    protected async Task<List<JsonElement>> Notifications(string user) =>
        [.. (await Service.Api.Get("/api/notifications", await Service.TokenFor(user))).Json.EnumerateArray()];

    protected static async Task Eventually(Func<Task<bool>> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the timer did not fire within 30 s");
            await Task.Delay(200);
        }
    }
}

public sealed class SqliteTimerTests(SqliteService service) : TimerTests<SqliteService>(service);

public sealed class PostgresTimerTests(PostgresService service) : TimerTests<PostgresService>(service)
{
    [Fact]
    public async Task Each_timer_row_holds_its_hangfire_job_and_a_cancelled_timer_deletes_it()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync("任务测试：维修村内桥梁");
        var owner = Service.Arguments.Single(a => a.StartsWith("--Storage:PostgresMigrations=", StringComparison.Ordinal)).Split('=', 2)[1];
        await using var connection = new Npgsql.NpgsqlConnection(owner);
        await connection.OpenAsync();

        async Task<List<(string Timer, string? Job, string? State)>> Jobs()
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT t.timer_id, t.job_id, j.statename FROM timers t LEFT JOIN hangfire.job j ON j.id::text = t.job_id WHERE t.instance_id = @id ORDER BY t.timer_id", connection);
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(string, string?, string?)>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }

            return rows;
        }

        // Jobs are made just after the commit, off the request's path (the fixture's job horizon covers 10 days).
        await Eventually(async () => (await Jobs()).All(j => j.State == "Scheduled"));
        Assert.Equal(2, (await Jobs()).Count);

        await walker.StepAsync(id); // leaves intake: both timers cancelled, their jobs deleted by id
        await Eventually(async () => (await Jobs()).Where(j => j.Timer.StartsWith("intake.", StringComparison.Ordinal)).All(j => j.State == "Deleted"));
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_for_administrators_only()
    {
        Assert.Equal(200, (await Service.Api.Get("/hangfire", await Service.TokenFor("admin"))).Code);
        Assert.NotEqual(200, (await Service.Api.Get("/hangfire", await Service.TokenFor("xiwan-secretary"))).Code);
        Assert.NotEqual(200, (await Service.Api.Get("/hangfire")).Code);
    }

    [Fact]
    public async Task Two_servers_on_one_database_racing_on_due_timers_give_each_timer_one_effect()
    {
        var walker = new Walker(Service);
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await walker.StartAsync($"并发测试 {i}"));
        }

        // A second server on the same database; each reads the shared demo clock before sweeping, so once the
        // clock moves both claim and fire the 24 due timers at once.
        await using var second = await ServerProcess.StartAsync(Service.Arguments);
        await walker.AdvanceDaysAsync(12);
        await Eventually(async () =>
        {
            foreach (var id in ids)
            {
                if (!Types(await History(id)).Contains("DeadlineEscalated"))
                {
                    return false;
                }
            }

            return true;
        });
        await Task.Delay(2000);
        foreach (var id in ids)
        {
            var history = await History(id);
            Assert.True(history.GetProperty("intact").GetBoolean());
            var fired = history.GetProperty("events").EnumerateArray()
                .Where(e => e.GetProperty("record").GetProperty("type").GetString() == "TimerFired")
                .Select(e => e.GetProperty("record").GetProperty("data").GetProperty("timerId").GetString())
                .ToList();
            Assert.Equal(fired.Distinct().Count(), fired.Count);
            Assert.Equal(2, fired.Count);
            Assert.Single(Types(history), t => t == "DeadlineEscalated");
        }
    }
}
