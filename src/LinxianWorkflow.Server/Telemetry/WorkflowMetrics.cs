using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LinxianWorkflow.Server.Telemetry;

/// <summary>
/// The service's own meter and activity source ("LinxianWorkflow"): commands decided and refused by rule, commit
/// latency, timers fired and how late, and (observed when exported) the backlog: events not yet in a signed checkpoint,
/// notifications not yet delivered, timers overdue. Cheap when nothing listens: instruments are static and a counter
/// with no listener does nothing.
/// </summary>
public static class WorkflowMetrics
{
    public const string Name = "LinxianWorkflow";

    public static readonly ActivitySource Activities = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Commands = Meter.CreateCounter<long>("linxian.commands", "{command}", "Commands decided by the engine, by command and outcome (accepted, or the rule that refused it).");

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>("linxian.commit.duration", "ms", "Time to commit a command's events and read rows in one transaction.");

    private static readonly Counter<long> TimersFired = Meter.CreateCounter<long>("linxian.timers.fired", "{timer}", "Timers fired (reminders, deadlines, period ends).");

    private static readonly Histogram<double> TimerLag = Meter.CreateHistogram<double>("linxian.timers.lag", "s", "How long after its due instant a timer fired.");

    public static void Decided(string command, string outcome) =>
        Commands.Add(1, new KeyValuePair<string, object?>("command", command), new KeyValuePair<string, object?>("outcome", outcome));

    public static void Committed(TimeSpan elapsed) => CommitDuration.Record(elapsed.TotalMilliseconds);

    public static void TimerFired(TimeSpan lag)
    {
        TimersFired.Add(1);
        TimerLag.Record(Math.Max(0, lag.TotalSeconds));
    }

    /// <summary>The backlog gauges, read from <paramref name="read"/> when a reader collects them (at most once a collection).</summary>
    public static void ObserveBacklog(Func<Backlog?> read)
    {
        Backlog? last = null;
        var at = DateTimeOffset.MinValue;
        Backlog? Current()
        {
            // One read serves the three gauges of one collection.
            if (DateTimeOffset.UtcNow - at > TimeSpan.FromSeconds(1))
            {
                last = read();
                at = DateTimeOffset.UtcNow;
            }

            return last;
        }

        Meter.CreateObservableGauge("linxian.log.unsigned_events", () => Current()?.UnsignedEvents ?? 0, "{event}", "Events not yet in a signed checkpoint of the Merkle log (the batcher's lag).");
        Meter.CreateObservableGauge("linxian.notifications.pending", () => Current()?.PendingNotifications ?? 0, "{notification}", "Notifications not yet delivered to any channel.");
        Meter.CreateObservableGauge("linxian.timers.overdue", () => Current()?.OverdueTimers ?? 0, "{timer}", "Pending timers whose due instant has passed (the sweeper's lag).");
    }
}

/// <summary>What is waiting: events not yet signed into the log, notifications not yet delivered, timers past due.</summary>
public sealed record Backlog(long UnsignedEvents, long PendingNotifications, long OverdueTimers);
