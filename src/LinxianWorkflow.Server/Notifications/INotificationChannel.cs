using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// Where notifications go besides the in-app inbox. Here: a log file. An SMS adapter (e.g. a county's SMS
/// gateway) or e-mail (SMTP) implements this, looks up the people holding the notification's role in its
/// area, and is registered beside the file channel (docs/operations.md). Delivery is at least once: a channel
/// must tolerate a repeat (the notification id is stable).
/// </summary>
public interface INotificationChannel
{
    string Name { get; }

    Task SendAsync(NotificationRow notification, CancellationToken ct);
}
