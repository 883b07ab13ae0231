using System.Text;
using Dapper;

namespace LinxianWorkflow.Server.Storage;

/// <summary>The delivery outbox (issue 17): routing notifications to channels and recipients, claiming due rows, recording outcomes.</summary>
public sealed partial class WorkflowStore
{
    private const string DeliveryColumns =
        "id AS Id, notification_id AS NotificationId, channel AS Channel, recipient AS Recipient, status AS Status, attempts AS Attempts, " +
        "next_attempt_at AS NextAttemptAt, last_error AS LastError, provider_message_id AS ProviderMessageId, sent_at AS SentAt, created_at AS CreatedAt, " +
        "receipt_status AS ReceiptStatus, receipt_at AS ReceiptAt, receipt_detail AS ReceiptDetail";

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

    /// <summary>
    /// Records a provider's receipt (delivered or failed at the handset) on the delivery on <paramref name="channel"/> whose provider message id
    /// it names; false when none does. A later report replaces an earlier one (a provider may report "failed", then "delivered" on a retry of its own).
    /// </summary>
    public async Task<bool> RecordReceiptAsync(string channel, string providerMessageId, string status, DateTimeOffset? at, string? detail, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.ExecuteAsync(
            "UPDATE deliveries SET receipt_status = @status, receipt_at = @at, receipt_detail = @detail WHERE channel = @channel AND provider_message_id = @providerMessageId",
            new { channel, providerMessageId, status, at = at?.ToUniversalTime(), detail }) > 0;
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

    /// <summary>
    /// Enabled users with a verified phone or WeCom id they want used: those a channel beyond the log file can reach. An address the
    /// user has not confirmed, or a channel they turned off, reads as no address here.
    /// </summary>
    public async Task<List<UserRow>> ReachableUsersAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<UserRow>(
            "SELECT id AS Id, user_name AS UserName, display_name AS DisplayName, grants AS Grants, disabled AS Disabled, created_at AS CreatedAt, " +
            "phone AS Phone, CASE WHEN sms_wanted = @yes THEN phone_verified_at END AS PhoneVerifiedAt, " +
            "wecom_id AS WeComId, CASE WHEN wecom_wanted = @yes THEN wecom_verified_at END AS WeComVerifiedAt FROM users " +
            "WHERE disabled = @no AND ((phone_verified_at IS NOT NULL AND sms_wanted = @yes) OR (wecom_verified_at IS NOT NULL AND wecom_wanted = @yes))",
            new { no = false, yes = true })];
    }

    /// <summary>
    /// An administrator sets a user's phone and WeCom id. The WeCom id is the organisation's (its WeCom administrator assigns it), so it
    /// counts as verified from <paramref name="at"/>; a phone number that changed is unverified until its owner confirms the code sent to it.
    /// </summary>
    public async Task SetUserAddressesAsync(string userId, string? phone, string? weComId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE users SET phone = @phone, phone_verified_at = CASE WHEN phone = @phone THEN phone_verified_at END, " +
            "wecom_id = @weComId, wecom_verified_at = CASE WHEN @weComId IS NULL THEN NULL WHEN wecom_id = @weComId THEN wecom_verified_at ELSE @at END " +
            "WHERE id = @userId",
            new { userId, phone, weComId, at = at.ToUniversalTime() });
    }

    public async Task<OwnAddressesRow?> OwnAddressesAsync(string userId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<OwnAddressesRow>(
            "SELECT phone AS Phone, phone_verified_at AS PhoneVerifiedAt, wecom_id AS WeComId, wecom_verified_at AS WeComVerifiedAt, " +
            "sms_wanted AS SmsWanted, wecom_wanted AS WeComWanted, " +
            "(SELECT expires_at FROM address_codes c WHERE c.user_id = users.id AND c.channel = 'sms' AND c.address = users.phone) AS CodeExpiresAt " +
            "FROM users WHERE id = @userId",
            new { userId });
    }

    /// <summary>The user's own phone number; a number that changed (or none) is unverified, and a code sent to another number is void.</summary>
    public async Task SetOwnPhoneAsync(string userId, string? phone, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE users SET phone = @phone, phone_verified_at = CASE WHEN phone = @phone THEN phone_verified_at END WHERE id = @userId",
            new { userId, phone }, tx);
        await connection.ExecuteAsync(
            "DELETE FROM address_codes WHERE user_id = @userId AND channel = 'sms' AND (@phone IS NULL OR address <> @phone)", new { userId, phone }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>A new one-time code for the user's address on a channel (its keyed hash only), replacing any earlier one and its tries.</summary>
    public async Task PutAddressCodeAsync(string userId, string channel, string address, string codeHash, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO address_codes (user_id, channel, address, code_hash, tries, expires_at, created_at) " +
            "VALUES (@userId, @channel, @address, @codeHash, 0, @expiresAt, @now) ON CONFLICT (user_id, channel) DO UPDATE SET " +
            "address = excluded.address, code_hash = excluded.code_hash, tries = 0, expires_at = excluded.expires_at, created_at = excluded.created_at",
            new { userId, channel, address, codeHash, expiresAt = expiresAt.ToUniversalTime(), now = now.ToUniversalTime() });
    }

    /// <summary>
    /// Spends one try on the user's code for <paramref name="channel"/>, in one statement (two guesses at once spend two tries): the code
    /// after the try, or, when no try was left to spend, the code as it stands (expired, used up) or null when there is none.
    /// </summary>
    public async Task<(AddressCodeRow? Code, bool Spent)> TakeCodeTryAsync(string userId, string channel, int maxTries, DateTimeOffset now, CancellationToken ct = default)
    {
        const string Columns = "address AS Address, code_hash AS CodeHash, tries AS Tries, expires_at AS ExpiresAt";
        await using var connection = await OpenAsync(ct);
        var spent = await connection.QuerySingleOrDefaultAsync<AddressCodeRow>(
            "UPDATE address_codes SET tries = tries + 1 WHERE user_id = @userId AND channel = @channel AND tries < @maxTries AND expires_at > @now " +
            $"RETURNING {Columns}",
            new { userId, channel, maxTries, now = now.ToUniversalTime() });
        return spent is not null
            ? (spent, true)
            : (await connection.QuerySingleOrDefaultAsync<AddressCodeRow>(
                $"SELECT {Columns} FROM address_codes WHERE user_id = @userId AND channel = @channel", new { userId, channel }), false);
    }

    /// <summary>The code was right: the phone is verified as of <paramref name="at"/> if it is still the number the code went to; the code is used up.</summary>
    public async Task<bool> ConfirmPhoneAsync(string userId, string address, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var confirmed = await connection.ExecuteAsync(
            "UPDATE users SET phone_verified_at = @at WHERE id = @userId AND phone = @address", new { userId, address, at = at.ToUniversalTime() }, tx);
        await connection.ExecuteAsync("DELETE FROM address_codes WHERE user_id = @userId AND channel = 'sms'", new { userId }, tx);
        await tx.CommitAsync(ct);
        return confirmed == 1;
    }

    /// <summary>Which channels that reach a person the user wants used.</summary>
    public async Task ChooseChannelsAsync(string userId, bool sms, bool weCom, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync("UPDATE users SET sms_wanted = @sms, wecom_wanted = @weCom WHERE id = @userId", new { userId, sms, weCom });
    }
}

/// <summary>A user's own addresses, whether each is confirmed, the channels they want, and when a code sent to their phone runs out.</summary>
public sealed class OwnAddressesRow
{
    public string? Phone { get; set; }
    public DateTimeOffset? PhoneVerifiedAt { get; set => field = value?.ToUniversalTime(); }
    public string? WeComId { get; set; }
    public DateTimeOffset? WeComVerifiedAt { get; set => field = value?.ToUniversalTime(); }
    public bool SmsWanted { get; set; }
    public bool WeComWanted { get; set; }
    public DateTimeOffset? CodeExpiresAt { get; set => field = value?.ToUniversalTime(); }
}

/// <summary>A one-time code as kept: where it went, its keyed hash, the tries spent, when it runs out.</summary>
public sealed class AddressCodeRow
{
    public string Address { get; set; } = "";
    public string CodeHash { get; set; } = "";
    public int Tries { get; set; }
    public DateTimeOffset ExpiresAt { get; set => field = value.ToUniversalTime(); }
}
