using System.ComponentModel.DataAnnotations;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>How time is run ("Scheduling" settings; docs/operations.md); checked at start, a value out of range stops it naming the setting.</summary>
public sealed class SchedulingOptions
{
    /// <summary>How often the sweep looks for due timers no job fired (seconds).</summary>
    [Range(0.1, 3600)]
    public double SweepSeconds { get; set; } = 5;

    /// <summary>How many proposals' due timers one sweep fires at once.</summary>
    [Range(1, 64)]
    public int SweepParallelism { get; set; } = 8;

    /// <summary>How many due timers one sweep claims at a time.</summary>
    [Range(1, 10_000)]
    public int SweepBatch { get; set; } = 500;

    /// <summary>How often Hangfire looks for scheduled jobs that fell due (seconds).</summary>
    [Range(0.1, 60)]
    public double PollSeconds { get; set; } = 1;

    /// <summary>A timer gets its Hangfire job once it is due within this many hours; the sweep schedules the rest as they come near.</summary>
    [Range(0, 24 * 366 * 10)]
    public double JobHorizonHours { get; set; } = 24;

    /// <summary>How often timers nearing the horizon are given their jobs (seconds).</summary>
    [Range(1, 3600)]
    public double HorizonSeconds { get; set; } = 60;

    /// <summary>Hangfire workers in this process.</summary>
    [Range(1, 256)]
    public int Workers { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);
}
