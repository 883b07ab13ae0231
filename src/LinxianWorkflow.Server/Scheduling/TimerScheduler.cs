using Hangfire;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>
/// After a command commits: a Hangfire job for each timer it set (the job id stored on the timer's row) and
/// the jobs of the timers it cancelled deleted (one lookup each). The timers table stays the truth: if this
/// fails or the process dies first, the sweep fires the timer when it is due.
/// </summary>
public sealed partial class TimerScheduler(IBackgroundJobClient jobs, WorkflowStore store, AdjustableClock clock, ILogger<TimerScheduler> log)
{
    public async Task AfterCommitAsync(Commit commit)
    {
        try
        {
            foreach (var timer in commit.NewTimers)
            {
                await ScheduleAsync(timer.InstanceId, timer.TimerId, timer.DueAt);
            }

            foreach (var (timerId, status) in commit.SettledTimers)
            {
                if (status == "cancelled" && await store.TimerJobAsync(commit.InstanceId, timerId) is { } jobId)
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

    public async Task ScheduleAsync(string instanceId, string timerId, DateTimeOffset dueAt)
    {
        // Hangfire runs on the system clock; a demo clock moved ahead shifts "due" by its offset.
        var jobId = jobs.Schedule<FireTimerJob>(job => job.RunAsync(instanceId, timerId), dueAt - clock.Offset);
        await store.SetTimerJobAsync(instanceId, timerId, jobId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduling the timers of {Instance} failed; the sweep will fire them when due")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, string instance);
}
