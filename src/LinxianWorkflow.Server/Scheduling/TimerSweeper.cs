using LinxianWorkflow.Server.Features.Timers;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>
/// The safety net under Hangfire: every few seconds it claims due timers that are still pending (a bounded
/// batch, <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, a one-minute lease) and fires them through the same
/// use case as a job. At start, with the in-memory job storage of the embedded mode, it first schedules a
/// job again for every pending timer within the horizon, and runs the routine disclosure reminders once.
/// </summary>
public sealed partial class TimerSweeper(
    Database store, TimerQueries timerQueries, ISender sender, TimerScheduler scheduler, RoutineDisclosureJob routine, AdjustableClock clock, SchedulingOptions options,
    ILogger<TimerSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!store.IsPostgres)
            {
                await RescheduleAsync(stoppingToken);
            }

            try
            {
                await routine.RunAsync(); // a server down when the daily job ran still reminds this period
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(log, e);
            }

            using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(options.SweepSeconds));
            do
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSweepFailed(log, e);
                }
            }
            while (await ticks.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Fires every due, pending timer; returns how many firings had an effect.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var fired = 0;
        if (clock.Adjustable)
        {
            await clock.LoadAsync(ct); // demo and test mode: another node may have moved the shared clock
        }

        // Bounded: at most 20 batches a sweep, and none after a batch in which nothing fired.
        for (var round = 0; round < 20; round++)
        {
            var before = fired;
            var now = clock.GetUtcNow();
            var due = await timerQueries.ClaimDueAsync(now, now.AddMinutes(1), options.SweepBatch, ct);

            // Proposals in parallel, each proposal's timers in order (two firings on one stream would only race).
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.SweepParallelism, CancellationToken = ct };
            await Parallel.ForEachAsync(due.GroupBy(t => t.InstanceId), parallel, async (timers, token) =>
            {
                foreach (var (instanceId, timerId) in timers)
                {
                    if (await sender.Send(new FireDueTimer(instanceId, timerId), token))
                    {
                        Interlocked.Increment(ref fired);
                    }
                    else
                    {
                        await timerQueries.ReleaseClaimAsync(instanceId, timerId, token); // not fired here: the next sweep looks again
                    }
                }
            });

            if (due.Count < options.SweepBatch || fired == before)
            {
                return fired;
            }
        }

        return fired;
    }

    private async Task RescheduleAsync(CancellationToken ct)
    {
        var after = (DueAt: DateTimeOffset.MinValue, InstanceId: "", TimerId: "");
        while (true)
        {
            var page = await timerQueries.PendingAfterAsync(after.DueAt, after.InstanceId, after.TimerId, 1000, ct);
            foreach (var t in page.Where(t => scheduler.WithinHorizon(t.DueAt)))
            {
                await scheduler.ScheduleAsync(t.InstanceId, t.TimerId, t.DueAt);
            }

            if (page.Count < 1000 || !scheduler.WithinHorizon(page[^1].DueAt))
            {
                return;
            }

            after = (page[^1].DueAt, page[^1].InstanceId, page[^1].TimerId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A timer sweep failed; the next one tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
