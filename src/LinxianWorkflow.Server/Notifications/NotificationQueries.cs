using System.Text;
using Dapper;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// The <c>notifications</c> table: what the caller's grants may see, the ones not yet routed, the routine reminders added
/// once per period. A command's own notifications are written by the core's commit, with its events.
/// </summary>
public sealed class NotificationQueries(Database store)
{
    private const string Columns = "id, instance_id, role, area_path, kind, step_id, text_zh, text_en, params, created_at, routed_at";

    /// <summary>Notifications for any of <paramref name="grants"/> (the role, in an area the grant covers), newest first.</summary>
    public async Task<List<NotificationRow>> ForGrantsAsync(IReadOnlyList<RoleGrant> grants, int limit, CancellationToken ct = default)
    {
        if (grants.Count == 0)
        {
            return [];
        }

        var sql = new StringBuilder($"SELECT {Columns} FROM notifications WHERE ");
        var args = new DynamicParameters();
        Database.AppendGrants(sql, args, "role", "area_path", grants);

        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT @limit");
        args.Add("limit", limit);
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<NotificationRow>(sql.ToString(), args)];
    }

    /// <summary>Adds notifications, skipping any a unique index already holds (routine reminders are once per period).</summary>
    public async Task<int> AddOnceAsync(IReadOnlyList<NotificationRow> rows, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        var added = 0;
        foreach (var n in rows)
        {
            added += await connection.ExecuteAsync(
                "INSERT INTO notifications (instance_id, role, area_path, kind, step_id, text_zh, text_en, params, created_at) " +
                "VALUES (@InstanceId, @Role, @AreaPath, @Kind, @StepId, @TextZh, @TextEn, @Params, @CreatedAt) ON CONFLICT DO NOTHING",
                n);
        }

        return added;
    }

    public async Task<List<NotificationRow>> UnroutedAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<NotificationRow>(
            $"SELECT {Columns} FROM notifications WHERE routed_at IS NULL ORDER BY id LIMIT @limit", new { limit })];
    }

    public async Task<List<NotificationRow>> ByIdAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default) =>
        await ByIdsAsync<NotificationRow>(store, $"SELECT {Columns} FROM notifications WHERE ", "id", ids, ct);

    /// <summary>Rows whose <paramref name="column"/> is one of <paramref name="ids"/>, by id.</summary>
    internal static async Task<List<T>> ByIdsAsync<T>(Database store, string select, string column, IReadOnlyCollection<long> ids, CancellationToken ct)
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
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<T>(sql.ToString(), args)];
    }
}

/// <summary>
/// The delivery outbox (issue 17, <c>deliveries</c>): routing notifications to channels and recipients, claiming due rows,
/// recording outcomes and receipts, an administrator's retry; and the users a channel can reach.
/// </summary>
public sealed class DeliveryQueries(Database store)
{
    private const string Columns =
        "id, notification_id, channel, recipient, status, attempts, next_attempt_at, last_error, provider_message_id, sent_at, created_at, " +
        "receipt_status, receipt_at, receipt_detail";

    /// <summary>
    /// Writes a notification's deliveries and marks it routed, in one transaction. Two nodes routing the same notification
    /// write each delivery once (the unique key on notification, channel and recipient).
    /// </summary>
    public async Task RouteAsync(long notificationId, IReadOnlyList<DeliveryRow> deliveries, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
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
    public async Task<List<DeliveryRow>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        var skipLocked = store.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "";
        return [.. await connection.QueryAsync<DeliveryRow>(
            "UPDATE deliveries SET claimed_until = @until, attempts = attempts + 1 WHERE id IN (" +
            "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now) " +
            $"ORDER BY next_attempt_at LIMIT @limit{skipLocked}) RETURNING {Columns}",
            new { now = now.ToUniversalTime(), until = until.ToUniversalTime(), limit })];
    }

    /// <summary>
    /// Records a claimed delivery's outcome, only while the claim is still this node's (the attempt it counted is the row's): a node whose lease
    /// ran out and whose row another node took records nothing. <paramref name="status"/> is sent, pending (a retry at <paramref name="next"/>) or dead.
    /// </summary>
    public async Task<bool> RecordAsync(
        DeliveryRow claimed, string status, DateTimeOffset next, string? error, string? providerMessageId, DateTimeOffset? sentAt, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteAsync(
            "UPDATE deliveries SET status = @status, next_attempt_at = @next, claimed_until = NULL, last_error = COALESCE(@error, last_error), " +
            "provider_message_id = @providerMessageId, sent_at = @sentAt WHERE id = @Id AND attempts = @Attempts AND status = 'pending'",
            new { claimed.Id, claimed.Attempts, status, next = next.ToUniversalTime(), error, providerMessageId, sentAt = sentAt?.ToUniversalTime() }) == 1;
    }

    /// <summary>
    /// Records a provider's receipt (delivered or failed at the handset) on the delivery on <paramref name="channel"/> whose provider message id
    /// it names; false when none does. A later report replaces an earlier one (a provider may report "failed", then "delivered" on a retry of its own).
    /// </summary>
    public async Task<bool> RecordReceiptAsync(string channel, string providerMessageId, string status, DateTimeOffset? at, string? detail, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteAsync(
            "UPDATE deliveries SET receipt_status = @status, receipt_at = @at, receipt_detail = @detail WHERE channel = @channel AND provider_message_id = @providerMessageId",
            new { channel, providerMessageId, status, at = at?.ToUniversalTime(), detail }) > 0;
    }

    /// <summary>Puts a claimed delivery back until <paramref name="until"/> without spending an attempt (the quiet hours).</summary>
    public async Task DeferAsync(DeliveryRow claimed, DateTimeOffset until, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE deliveries SET next_attempt_at = @until, claimed_until = NULL, attempts = attempts - 1 WHERE id = @Id AND attempts = @Attempts AND status = 'pending'",
            new { claimed.Id, claimed.Attempts, until = until.ToUniversalTime() });
    }

    /// <summary>One delivery and its notification's area, or null.</summary>
    public async Task<(DeliveryRow Delivery, string AreaPath)?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>($"SELECT {Columns} FROM deliveries WHERE id = @id", new { id });
        return row is null
            ? null
            : (row, await connection.ExecuteScalarAsync<string>("SELECT area_path FROM notifications WHERE id = @NotificationId", row) ?? "");
    }

    /// <summary>A dead delivery pending again from <paramref name="now"/> with fresh attempts; false when it was not dead.</summary>
    public async Task<bool> RetryDeadAsync(long id, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteAsync(
            "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, claimed_until = NULL WHERE id = @id AND status = 'dead'",
            new { id, now = now.ToUniversalTime() }) == 1;
    }

    /// <summary>The deliveries of the given notifications, by notification and channel.</summary>
    public async Task<List<DeliveryRow>> OfNotificationsAsync(IReadOnlyCollection<long> notificationIds, CancellationToken ct = default) =>
        await NotificationQueries.ByIdsAsync<DeliveryRow>(store, $"SELECT {Columns} FROM deliveries WHERE ", "notification_id", notificationIds, ct);

    /// <summary>
    /// Enabled users with a verified phone or WeCom id they want used: those a channel beyond the log file can reach. An address the
    /// user has not confirmed, or a channel they turned off, reads as no address here.
    /// </summary>
    public async Task<List<UserRow>> ReachableUsersAsync(CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<UserRow>(
            "SELECT id, user_name, display_name, grants, disabled, created_at, " +
            "phone, CASE WHEN sms_wanted = @yes THEN phone_verified_at END AS phone_verified_at, " +
            "wecom_id, CASE WHEN wecom_wanted = @yes THEN wecom_verified_at END AS wecom_verified_at FROM users " +
            "WHERE disabled = @no AND ((phone_verified_at IS NOT NULL AND sms_wanted = @yes) OR (wecom_verified_at IS NOT NULL AND wecom_wanted = @yes))",
            new { no = false, yes = true })];
    }
}
