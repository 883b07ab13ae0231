using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// Delivers the notifications commands wrote (in their own transaction, so none is lost) to every channel,
/// a bounded batch every two seconds, marking each delivered once all channels took it.
/// </summary>
public sealed partial class NotificationDispatcher(WorkflowStore store, IEnumerable<INotificationChannel> channels, TimeProvider time, ILogger<NotificationDispatcher> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            do
            {
                try
                {
                    foreach (var notification in await store.UndeliveredNotificationsAsync(200, stoppingToken))
                    {
                        foreach (var channel in channels)
                        {
                            await channel.SendAsync(notification, stoppingToken);
                        }

                        await store.MarkDeliveredAsync(notification.Id, time.GetUtcNow(), stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogDeliveryFailed(log, e);
                }
            }
            while (await ticks.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering notifications failed; the next round tries again")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception);
}
