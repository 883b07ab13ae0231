using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// Delivers the notifications commands wrote (in their own transaction, so none is lost) through the outbox: each round
/// it routes new notifications into deliveries (one per channel and recipient, from the audience: users holding the
/// notification's role in an area covering its area, with a verified address), then claims due deliveries with a lease
/// (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, so two nodes never send one row), sends them, and records each
/// outcome: sent, a retry with exponential back-off, or dead after <see cref="NotificationOptions.MaxAttempts"/>. A channel over its
/// configured rate (<see cref="NotificationOptions.RateLimits"/>, counted in the database for all nodes) puts the delivery back for the next window.
/// Channels that wake a person hold everything but escalations back during the quiet hours.
/// </summary>
public sealed partial class NotificationDispatcher(
    RateLimits rateLimits, NotificationQueries notifications, DeliveryQueries deliveries, Features.Noticeboard.ObjectionContactQueries contacts,
    IEnumerable<INotificationChannel> channels, AdjustableClock clock, NotificationOptions options, ILogger<NotificationDispatcher> log)
    : BackgroundService
{
    private readonly Dictionary<string, INotificationChannel> _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
    private readonly QuietHours _quiet = new(options.QuietHours);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(options.DispatchSeconds));
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRoundFailed(log, e);
                }
            }
            while (await ticks.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        if (clock.Adjustable)
        {
            await clock.LoadAsync(ct); // demo and test mode: another node may have moved the shared clock
        }

        List<UserRow>? reachable = null;
        var unrouted = await notifications.UnroutedAsync(options.Batch, ct);
        if (unrouted.Count > 0)
        {
            reachable = await deliveries.ReachableUsersAsync(ct);
            foreach (var notification in unrouted)
            {
                await RouteAsync(notification, await AudienceAsync(notification, reachable, ct), ct);
            }
        }

        var now = clock.GetUtcNow();
        var due = await deliveries.ClaimDueAsync(now, now.AddSeconds(options.LeaseSeconds), options.Batch, ct);
        if (due.Count == 0)
        {
            return;
        }

        reachable ??= await deliveries.ReachableUsersAsync(ct);
        var byId = (await notifications.ByIdAsync([.. due.Select(d => d.NotificationId).Distinct()], ct)).ToDictionary(n => n.Id);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct };
        await Parallel.ForEachAsync(due, parallel, async (delivery, token) =>
            await SendAsync(delivery, byId[delivery.NotificationId], reachable, token));
    }

    private async Task RouteAsync(NotificationRow notification, IReadOnlyList<Recipient> audience, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = new List<DeliveryRow>();
        foreach (var channel in _channels.Values)
        {
            var at = channel.HoldsBackAtNight && !QuietHours.IsEscalation(notification.Kind) ? _quiet.Release(now) : now;
            rows.AddRange(channel.Recipients(notification, audience).Distinct().Select(recipient => new DeliveryRow
            {
                NotificationId = notification.Id,
                Channel = channel.Name,
                Recipient = recipient,
                NextAttemptAt = at,
                CreatedAt = now,
            }));
        }

        await deliveries.RouteAsync(notification.Id, rows, now, ct);
    }

    private async Task SendAsync(DeliveryRow delivery, NotificationRow notification, List<UserRow> reachable, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!_channels.TryGetValue(delivery.Channel, out var channel))
        {
            await RecordAsync(delivery, DeliveryOutcome.Fail($"channel '{delivery.Channel}' is not configured on this node"), now, ct);
            return;
        }

        if (channel.HoldsBackAtNight && !QuietHours.IsEscalation(notification.Kind) && _quiet.Release(now) is var release && release > now)
        {
            await deliveries.DeferAsync(delivery, release, ct); // a retry that fell into the night waits for the morning
            return;
        }

        if (options.RateLimits.TryGetValue(channel.Name, out var limit))
        {
            var window = TimeSpan.FromSeconds(limit.WindowSeconds);
            var hit = await rateLimits.HitAsync("provider:" + channel.Name, window, now, ct);
            if (hit.Hits > limit.Sends)
            {
                LogThrottled(log, delivery.Id, channel.Name, limit.Sends, limit.WindowSeconds);
                await deliveries.DeferAsync(delivery, hit.WindowStartedAt + window, ct); // our own limit: the next window, no attempt spent
                return;
            }
        }

        DeliveryOutcome outcome;
        try
        {
            outcome = await channel.SendAsync(new Delivery(delivery.Id, notification, delivery.Recipient, await AudienceAsync(notification, reachable, ct)), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            outcome = DeliveryOutcome.Retry(e.GetType().Name + ": " + e.Message);
        }

        await RecordAsync(delivery, outcome, clock.GetUtcNow(), ct);
    }

    private async Task RecordAsync(DeliveryRow delivery, DeliveryOutcome outcome, DateTimeOffset now, CancellationToken ct)
    {
        var dead = outcome.Result == DeliveryResult.Fail || (outcome.Result == DeliveryResult.Retry && delivery.Attempts >= options.MaxAttempts);
        var (status, next) = outcome.Result switch
        {
            DeliveryResult.Sent => ("sent", now),
            _ when dead => ("dead", now),
            _ => ("pending", now + Backoff(delivery.Attempts)),
        };
        if (!await deliveries.RecordAsync(delivery, status, next, outcome.Error, outcome.ProviderMessageId, outcome.Result == DeliveryResult.Sent ? now : null, ct))
        {
            LogClaimLost(log, delivery.Id);
        }
        else if (dead)
        {
            LogDead(log, delivery.Id, delivery.Channel, delivery.Attempts, outcome.Error);
        }
        else if (status == "pending")
        {
            LogRetry(log, delivery.Id, delivery.Channel, delivery.Attempts, outcome.Error);
        }
    }

    /// <summary>The delay before attempt n + 1: base × 2^(n-1), capped.</summary>
    private TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(options.RetryCapSeconds, options.RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>
    /// Who holds the notification's role in an area covering its area, among the users with a verified address they want used; for a notice to
    /// an objector, the objector with the number they left (read now: erased, it is gone).
    /// </summary>
    private async Task<List<Recipient>> AudienceAsync(NotificationRow notification, List<UserRow> reachable, CancellationToken ct) =>
        ObjectorNotices.IsObjectorNotice(notification)
            ? await ObjectorNotices.RecipientAsync(contacts, notification, ct) is { } objector ? [objector] : []
            : [.. reachable
            .Where(u => Identity.Tokens.GrantsOf(u).Any(g => g.Role == notification.Role && g.Covers(notification.AreaPath)))
            .Select(u => new Recipient(u.Id, u.DisplayName, u.PhoneVerifiedAt is null ? null : u.Phone, u.WeComVerifiedAt is null ? null : u.WeComId))];

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {Id} on {Channel} waits for the next window: {Sends} sends per {Seconds} s are taken")]
    private static partial void LogThrottled(ILogger logger, long id, string channel, int sends, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notification round failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Id} on {Channel} failed (attempt {Attempts}), retrying later: {Error}")]
    private static partial void LogRetry(ILogger logger, long id, string channel, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {Id} on {Channel} is dead after {Attempts} attempts: {Error}")]
    private static partial void LogDead(ILogger logger, long id, string channel, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Id}: the lease ran out before its outcome was recorded; another node took it")]
    private static partial void LogClaimLost(ILogger logger, long id);
}
