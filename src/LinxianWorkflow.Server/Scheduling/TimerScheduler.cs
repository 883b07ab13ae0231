using System.Threading.Channels;
using Hangfire;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>
/// After a command commits, off the request's path: a Hangfire job for each timer it set that falls due
/// within the job horizon (the job id stored on the timer's row), and the jobs of the timers it cancelled
/// deleted (one lookup each). Timers further ahead get their job when they come within the horizon (a pass
/// every <see cref="SchedulingOptions.HorizonSeconds"/>, kept apart from the sweep so the sweep stays quick);
/// most are cancelled before (their step is done in time) and never cost a job. The timers table stays the
/// truth: whatever this misses, the sweep fires when it is due.
/// </summary>
public sealed partial class TimerScheduler(IBackgroundJobClient jobs, TimerQueries store, AdjustableClock clock, SchedulingOptions options, ILogger<TimerScheduler> log)
    : BackgroundService
{
    private readonly Channel<Commit> _commits = Channel.CreateBounded<Commit>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Queues a committed command's timers; never blocks the request (a full queue drops: the sweep covers).</summary>
    public ValueTask AfterCommitAsync(Commit commit)
    {
        if (commit.NewTimers.Count > 0 || commit.SettledTimers.Count > 0)
        {
            _commits.Writer.TryWrite(commit);
        }

        return ValueTask.CompletedTask;
    }

    public bool WithinHorizon(DateTimeOffset dueAt) => dueAt - clock.GetUtcNow() <= TimeSpan.FromHours(options.JobHorizonHours);

    public async Task ScheduleAsync(string instanceId, string timerId, DateTimeOffset dueAt)
    {
        // Hangfire runs on the system clock; a demo clock moved ahead shifts "due" by its offset.
        var jobId = jobs.Schedule<FireTimerJob>(job => job.RunAsync(instanceId, timerId), dueAt - clock.Offset);
        await store.SetJobAsync(instanceId, timerId, jobId);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ScheduleCommitsAsync(stoppingToken), ScheduleNearingAsync(stoppingToken));

    /// <summary>Every <see cref="SchedulingOptions.HorizonSeconds"/>: a job for each pending timer that came within the horizon (bounded).</summary>
    private async Task ScheduleNearingAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(options.HorizonSeconds));
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    foreach (var timer in await store.UnscheduledAsync(clock.GetUtcNow().AddHours(options.JobHorizonHours), options.SweepBatch, stoppingToken))
                    {
                        await ScheduleAsync(timer.InstanceId, timer.TimerId, timer.DueAt);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogScheduleFailed(log, e, "(timers nearing their due time)");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ScheduleCommitsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var commit in _commits.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    foreach (var timer in commit.NewTimers.Where(t => WithinHorizon(t.DueAt)))
                    {
                        await ScheduleAsync(timer.InstanceId, timer.TimerId, timer.DueAt);
                    }

                    foreach (var (timerId, status) in commit.SettledTimers)
                    {
                        if (status == "cancelled" && await store.JobOfAsync(commit.InstanceId, timerId, stoppingToken) is { } jobId)
                        {
                            jobs.Delete(jobId);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogScheduleFailed(log, e, commit.InstanceId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what was not scheduled is swept.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduling the timers of {Instance} failed; the sweep will fire them when due")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, string instance);
}
