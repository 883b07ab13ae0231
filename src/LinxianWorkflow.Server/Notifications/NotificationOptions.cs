using System.ComponentModel.DataAnnotations;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>The delivery outbox's settings (section <c>Notifications</c>; docs/operations.md).</summary>
public sealed class NotificationOptions
{
    /// <summary>How often the dispatcher routes new notifications and sends due deliveries (seconds).</summary>
    [Range(0.1, 3600)]
    public double DispatchSeconds { get; set; } = 2;

    /// <summary>Due deliveries one round claims.</summary>
    [Range(1, 10_000)]
    public int Batch { get; set; } = 100;

    /// <summary>Attempts before a delivery is dead (a dead letter, shown with its last error).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry's delay; each further one doubles it, up to <see cref="RetryCapSeconds"/>.</summary>
    [Range(0.01, 86_400)]
    public double RetryBaseSeconds { get; set; } = 30;

    [Range(0.01, 86_400)]
    public double RetryCapSeconds { get; set; } = 3600;

    /// <summary>How long a node holds a claimed delivery (longer than a provider's timeout).</summary>
    [Range(1, 3600)]
    public double LeaseSeconds { get; set; } = 120;

    /// <summary>
    /// Sends allowed per channel ("sms", "wecom", ...) in a window, counted in the database so every node shares the count; a delivery over the
    /// limit waits for the next window without spending an attempt. A channel not named here is not limited by us.
    /// </summary>
    public Dictionary<string, ProviderRateLimit> RateLimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>China time when SMS is held back except for escalations, "22:00-07:00"; empty for none.</summary>
    public string QuietHours { get; set; } = "22:00-07:00";
}

/// <summary>At most <see cref="Sends"/> sends in any fixed window of <see cref="WindowSeconds"/> on one channel, across all nodes.</summary>
public sealed class ProviderRateLimit
{
    [Range(1, 1_000_000)]
    public int Sends { get; set; } = 20;

    [Range(1, 86_400)]
    public double WindowSeconds { get; set; } = 60;
}
