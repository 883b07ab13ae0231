using System.Text;
using Dapper;

namespace LinxianWorkflow.Server.Storage;

/// <summary>The delivery outbox (issue 17): routing notifications to channels and recipients, claiming due rows, recording outcomes.</summary>
public sealed partial class WorkflowStore
{
    private const string DeliveryColumns =
        "id AS Id, notification_id AS NotificationId, channel AS Channel, recipient AS Recipient, status AS Status, attempts AS Attempts, " +
        "next_attempt_at AS NextAttemptAt, last_error AS LastError, provider_message_id AS ProviderMessageId, sent_at AS SentAt, created_at AS CreatedAt";

    public async Task<List<NotificationRow>> UnroutedNotificationsAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<NotificationRow>(
            $"SELECT {NotificationColumns} FROM notifications WHERE routed_at IS NULL ORDER BY id LIMIT @limit", new { limit })];
    }

    /// <summary>
    /// Writes a notification's deliveries and marks it routed, in one transaction. Two nodes routing the same notification
    /// write each delivery once (the unique key on notification, channel and recipient).
    /// </summary>
    public async Task RouteAsync(long notificationId, IReadOnlyList<DeliveryRow> deliveries, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var d in deliveries)
        {
            await connection.ExecuteAsync(
                "INSERT INTO deliveries (notification_id, channel, recipient, status, attempts, next_attempt_at, created_at) " +
                "VALUES (@NotificationId, @Channel, @Recipient, 'pending', 0, @NextAttemptAt, @CreatedAt) ON CONFLICT DO NOTHING", d, tx);
        }

        await connection.ExecuteAsync("UPDATE notifications SET routed_at = @now WHERE id = @notificationId AND routed_at IS NULL", new { notificationId, now }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due, pending deliveries no other node holds (lease until <paramref name="until"/>), counting
    /// the attempt now, so a node that dies mid-send has used it. PostgreSQL skips rows another node is claiming right now; SQLite has one writer.
    /// </summary>
    public async Task<List<DeliveryRow>> ClaimDueDeliveriesAsync(DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var skipLocked = IsPostgres ? " FOR UPDATE SKIP LOCKED" : "";
        return [.. await connection.QueryAsync<DeliveryRow>(
            "UPDATE deliveries SET claimed_until = @until, attempts = attempts + 1 WHERE id IN (" +
            "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now) " +
            $"ORDER BY next_attempt_at LIMIT @limit{skipLocked}) RETURNING {DeliveryColumns}",
            new { now = now.ToUniversalTime(), until = until.ToUniversalTime(), limit })];
    }

    /// <summary>
    /// Records a claimed delivery's outcome, only while the claim is still this node's (the attempt it counted is the row's): a node whose lease
    /// ran out and whose row another node took records nothing. <paramref name="status"/> is sent, pending (a retry at <paramref name="next"/>) or dead.
    /// </summary>
    public async Task<bool> RecordDeliveryAsync(
        DeliveryRow claimed, string status, DateTimeOffset next, string? error, string? providerMessageId, DateTimeOffset? sentAt, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.ExecuteAsync(
            "UPDATE deliveries SET status = @status, next_attempt_at = @next, claimed_until = NULL, last_error = COALESCE(@error, last_error), " +
            "provider_message_id = @providerMessageId, sent_at = @sentAt WHERE id = @Id AND attempts = @Attempts AND status = 'pending'",
            new { claimed.Id, claimed.Attempts, status, next = next.ToUniversalTime(), error, providerMessageId, sentAt = sentAt?.ToUniversalTime() }) == 1;
    }

    /// <summary>Puts a claimed delivery back until <paramref name="until"/> without spending an attempt (the quiet hours).</summary>
    public async Task DeferDeliveryAsync(DeliveryRow claimed, DateTimeOffset until, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE deliveries SET next_attempt_at = @until, claimed_until = NULL, attempts = attempts - 1 WHERE id = @Id AND attempts = @Attempts AND status = 'pending'",
            new { claimed.Id, claimed.Attempts, until = until.ToUniversalTime() });
    }

    /// <summary>One delivery and its notification's area, or null.</summary>
    public async Task<(DeliveryRow Delivery, string AreaPath)?> DeliveryAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>($"SELECT {DeliveryColumns} FROM deliveries WHERE id = @id", new { id });
        return row is null
            ? null
            : (row, await connection.ExecuteScalarAsync<string>("SELECT area_path FROM notifications WHERE id = @NotificationId", row) ?? "");
    }

    /// <summary>A dead delivery pending again from <paramref name="now"/> with fresh attempts; false when it was not dead.</summary>
    public async Task<bool> RetryDeadDeliveryAsync(long id, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.ExecuteAsync(
            "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, claimed_until = NULL WHERE id = @id AND status = 'dead'",
            new { id, now = now.ToUniversalTime() }) == 1;
    }

    public async Task<List<NotificationRow>> NotificationsByIdAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default) =>
        await ByIdsAsync<NotificationRow>($"SELECT {NotificationColumns} FROM notifications WHERE ", "id", ids, ct);

    /// <summary>The deliveries of the given notifications, by notification and channel.</summary>
    public async Task<List<DeliveryRow>> DeliveriesOfAsync(IReadOnlyCollection<long> notificationIds, CancellationToken ct = default) =>
        await ByIdsAsync<DeliveryRow>($"SELECT {DeliveryColumns} FROM deliveries WHERE ", "notification_id", notificationIds, ct);

    private async Task<List<T>> ByIdsAsync<T>(string select, string column, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        // An explicit list rather than '= ANY(@ids)': the same statement on both stores (at most a page of ids).
        var sql = new StringBuilder(select).Append(column).Append(" IN (");
        var args = new DynamicParameters();
        var i = 0;
        foreach (var id in ids)
        {
            sql.Append(i == 0 ? "" : ", ").Append("@i").Append(i);
            args.Add($"i{i++}", id);
        }

        sql.Append(") ORDER BY id");
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<T>(sql.ToString(), args)];
    }

    /// <summary>Enabled users with a verified phone or WeCom id: those a channel beyond the log file can reach.</summary>
    public async Task<List<UserRow>> ReachableUsersAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<UserRow>(
            $"SELECT {UserColumns} FROM users WHERE disabled = @no AND (phone_verified_at IS NOT NULL OR wecom_verified_at IS NOT NULL)", new { no = false })];
    }

    /// <summary>Sets a user's phone and WeCom id; each is verified as of <paramref name="verifiedAt"/> when given, unverified otherwise.</summary>
    public async Task SetUserAddressesAsync(string userId, string? phone, string? weComId, DateTimeOffset? verifiedAt, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE users SET phone = @phone, phone_verified_at = CASE WHEN @phone IS NULL THEN NULL ELSE @verifiedAt END, " +
            "wecom_id = @weComId, wecom_verified_at = CASE WHEN @weComId IS NULL THEN NULL ELSE @verifiedAt END WHERE id = @userId",
            new { userId, phone, weComId, verifiedAt = verifiedAt?.ToUniversalTime() });
    }
}
