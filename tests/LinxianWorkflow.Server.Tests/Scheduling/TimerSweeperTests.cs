using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Scheduling;
using LinxianWorkflow.Server.Storage;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LinxianWorkflow.Server.Tests.Scheduling;

/// <summary>
/// Slice tests of time through Mediator against a real SQLite store, with the service's own registrations
/// and a <see cref="FakeTimeProvider"/> under its clock: move the clock, run what fell due, assert the effects.
/// </summary>
public sealed class TimerSweeperTests : IAsyncLifetime
{
    private const string Village = "141124/141124109/141124109207";
    private static readonly Caller Secretary = new("u-secretary", "王书记", [new RoleGrant(SiyiRoles.PartySecretary, Village)]);
    private static readonly Caller Reviewer = new("u-reviewer", "赵审核", [new RoleGrant(SiyiRoles.TownshipReviewer, "141124/141124109")]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 9, 28, 9, 0, 0, TimeSpan.FromHours(8)));
    private WebApplication _app = null!;

    private ISender Sender => _app.Services.GetRequiredService<ISender>();

    private TimerSweeper Sweeper => _app.Services.GetRequiredService<TimerSweeper>();

    private Database Store => _app.Services.GetRequiredService<Database>();

    public async Task InitializeAsync()
    {
        var db = Path.Combine(Path.GetTempPath(), $"linxian-sweep-{Guid.NewGuid():N}", "linxian.db");
        var builder = WebApplication.CreateBuilder(ServerArgs.Options([$"--Storage:SqlitePath={db}", $"--Notifications:LogPath={db}.notifications.log"]));
        builder.AddStorage();
        builder.AddApplication();
        builder.AddIdentity();
        builder.AddScheduling();
        builder.Services.AddSingleton(sp => new AdjustableClock(_time, sp.GetRequiredService<Database>(), adjustable: false));
        _app = builder.Build();
        await _app.PrepareAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_reminder_and_a_deadline_fire_when_the_clock_reaches_them_and_never_twice()
    {
        var started = await Sender.Send(new StartProposal(Secretary,
            new NewProposal(Village, "修缮村委会屋顶", "预算3万元。", "public-welfare", 30_000m, "villager-suggestion"), null));
        var id = started.ProposalId;

        // Intake: 10 calendar days from 28 Sep → due 00:00 on 9 Oct (CST); reminder 3 days before (version 2), 00:00 on 6 Oct.
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 5, 23, 59, 0, TimeSpan.FromHours(8)));
        Assert.Equal(0, await Sweeper.SweepAsync(default));

        _time.SetUtcNow(new DateTimeOffset(2026, 10, 6, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, await Sweeper.SweepAsync(default));
        Assert.Equal(0, await Sweeper.SweepAsync(default));
        var reminders = await Sender.Send(new GetNotifications(Secretary));
        Assert.Contains(reminders, n => n.ProposalId == id && n.Kind == "reminder" && n.Text.Zh.Contains("2026-10-09 00:00 (CST)", StringComparison.Ordinal));

        _time.SetUtcNow(new DateTimeOffset(2026, 10, 9, 0, 0, 1, TimeSpan.FromHours(8)));
        Assert.Equal(1, await Sweeper.SweepAsync(default));
        Assert.Equal(0, await Sweeper.SweepAsync(default));
        var view = await Sender.Send(new GetProposal(Secretary, id));
        Assert.True(view.Overdue);
        Assert.Empty(view.Timers);
        Assert.Contains(await Sender.Send(new GetNotifications(Reviewer)), n => n.ProposalId == id && n.Kind == "escalated");

        // Firing again by hand (a duplicate job) has no effect.
        var history = await Sender.Send(new GetHistory(Secretary, id));
        Assert.False(await Sender.Send(new Server.Features.Timers.FireDueTimer(id, "intake.1.intake-deadline")));
        Assert.Equal(history.Events.Count, (await Sender.Send(new GetHistory(Secretary, id))).Events.Count);
    }

    [Fact]
    public async Task A_deadline_left_behind_is_cancelled_and_the_next_steps_deadline_is_the_one_that_counts()
    {
        var started = await Sender.Send(new StartProposal(Secretary,
            new NewProposal(Village, "清理村内河道", "预算1万元。", "public-welfare", 10_000m, "villager-suggestion"), null));
        _time.Advance(TimeSpan.FromDays(1));
        var accepted = new Engine.Instances.CompleteTask("intake", "accepted");
        await Sender.Send(new ActOnProposal(Secretary, started.ProposalId, "complete-task", accepted, null, null));

        _time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await Sweeper.SweepAsync(default));
        var timers = await _app.Services.GetRequiredService<TimerQueries>().OfProposalAsync(started.ProposalId);
        Assert.All(timers, t => Assert.Equal("cancelled", t.Status));
        Assert.False((await Sender.Send(new GetProposal(Secretary, started.ProposalId))).Overdue);
    }

    [Fact]
    public async Task Routine_disclosure_reminders_come_once_a_period_as_the_profile_says()
    {
        await new Server.Features.Identity.UserQueries(Store).AddAsync(new UserRow
        {
            Id = "u-chair",
            UserName = "chair",
            DisplayName = "李主任",
            Grants = Tokens.GrantsJson([new RoleGrant(SiyiRoles.VillageChair, Village)]),
            CreatedAt = _time.GetUtcNow(),
        });
        var job = _app.Services.GetRequiredService<RoutineDisclosureJob>();
        var chair = new Caller("u-chair", "李主任", [new RoleGrant(SiyiRoles.VillageChair, Village)]);

        _time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 0, 5, 0, TimeSpan.FromHours(8)));
        Assert.Equal(2, await job.RunAsync()); // Linxian: general quarterly (2026-Q4), finance monthly (2026-11)
        Assert.Equal(0, await job.RunAsync());

        _time.SetUtcNow(new DateTimeOffset(2026, 12, 1, 0, 5, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, await job.RunAsync()); // finance for December; the quarter is the same
        var notes = await Sender.Send(new GetNotifications(chair));
        Assert.Equal(3, notes.Count(n => n.Kind == "routine-disclosure"));
        Assert.Contains(notes, n => n.Text.Zh.StartsWith("2026年12月村务公开提醒", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Text.Zh.StartsWith("2026年第4季度村务公开提醒", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Routine_disclosure_reaches_every_village_however_many_users_there_are()
    {
        // 1,204 chairs over the county's villages; the last 204 by name are the only ones in 204 villages (the job
        // once read the first 1,000 users only, so those villages were never reminded).
        var areas = _app.Services.GetRequiredService<LinxianWorkflow.Server.Areas.AreaRegistry>();
        var villages = areas.Counties().SelectMany(c => areas.Townships(c.Code)).SelectMany(t => areas.Children(t.Code)).Select(v => areas.PathOf(v.Code)).ToList();
        Assert.Equal(504, villages.Count);
        for (var i = 0; i < 1204; i++)
        {
            var village = i < 1000 ? villages[i % 300] : villages[300 + (i - 1000)];
            await new Server.Features.Identity.UserQueries(Store).AddAsync(new UserRow
            {
                Id = $"u-{i:0000}",
                UserName = $"chair-{i:0000}",
                DisplayName = "主任",
                Grants = Tokens.GrantsJson([new RoleGrant(SiyiRoles.VillageChair, village)]),
                CreatedAt = _time.GetUtcNow(),
            });
        }

        _time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 0, 5, 0, TimeSpan.FromHours(8)));
        var job = _app.Services.GetRequiredService<RoutineDisclosureJob>();
        Assert.Equal(504 * 2, await job.RunAsync()); // every village: general quarterly and finance monthly (Linxian)
        var last = new Caller("u-1203", "主任", [new RoleGrant(SiyiRoles.VillageChair, villages[503])]);
        Assert.Equal(2, (await Sender.Send(new GetNotifications(last))).Count(n => n.Kind == "routine-disclosure"));
    }
}
