using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// Where notifications go besides the in-app inbox: the log file, a WeCom group robot, SMS. A channel names who it
/// reaches for a notification (recipient keys: a user id, a group, the file), and the dispatcher keeps one delivery
/// per notification, channel and recipient in the outbox (<c>deliveries</c>), claims it with a lease, sends it
/// through <see cref="SendAsync"/> and records the outcome. Delivery is at least once (a node that dies between
/// sending and recording sends again after the lease): a channel passes the delivery id to a provider that accepts
/// an idempotency key.
/// </summary>
public interface INotificationChannel
{
    string Name { get; }

    /// <summary>True for a channel that wakes a person (SMS): held back in the quiet hours except escalations.</summary>
    bool HoldsBackAtNight { get; }

    /// <summary>Who this channel reaches with <paramref name="notification"/>, from its audience (users with a verified address).</summary>
    IEnumerable<string> Recipients(NotificationRow notification, IReadOnlyList<Recipient> audience);

    /// <summary>Sends one delivery; never throws for a provider's answer (an exception is taken as a retry).</summary>
    Task<DeliveryOutcome> SendAsync(Delivery delivery, CancellationToken ct);
}

/// <summary>A user in a notification's audience (holds its role in an area covering its area), with verified addresses only.</summary>
public sealed record Recipient(string UserId, string DisplayName, string? Phone, string? WeComId);

/// <summary>One claimed delivery: its id (the idempotency key), the notification, the recipient key and the audience.</summary>
public sealed record Delivery(long Id, NotificationRow Notification, string Recipient, IReadOnlyList<Recipient> Audience);

public enum DeliveryResult
{
    Sent,

    /// <summary>Worth trying again later (a timeout, a 5xx, a throttling answer).</summary>
    Retry,

    /// <summary>Will never succeed as it is (a rejected template, no address): dead at once.</summary>
    Fail,
}

public sealed record DeliveryOutcome(DeliveryResult Result, string? ProviderMessageId = null, string? Error = null)
{
    public static DeliveryOutcome Sent(string? providerMessageId = null) => new(DeliveryResult.Sent, providerMessageId);

    public static DeliveryOutcome Retry(string error) => new(DeliveryResult.Retry, Error: error);

    public static DeliveryOutcome Fail(string error) => new(DeliveryResult.Fail, Error: error);
}
