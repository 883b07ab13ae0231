using System.Data.Common;
using Dapper;

namespace LinxianWorkflow.Server.Storage;

public sealed partial class WorkflowStore
{
    private const string UserColumns =
        "id AS Id, user_name AS UserName, display_name AS DisplayName, password_hash AS PasswordHash, grants AS Grants, disabled AS Disabled, " +
        "failed_logins AS FailedLogins, locked_until AS LockedUntil, created_at AS CreatedAt, " +
        "phone AS Phone, phone_verified_at AS PhoneVerifiedAt, wecom_id AS WeComId, wecom_verified_at AS WeComVerifiedAt";

    /// <summary>Adds a user; false when the user name is taken.</summary>
    public async Task<bool> AddUserAsync(UserRow user, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var added = await connection.ExecuteAsync(
            "INSERT INTO users (id, user_name, display_name, password_hash, grants, disabled, failed_logins, created_at) " +
            "VALUES (@Id, @UserName, @DisplayName, @PasswordHash, @Grants, @Disabled, 0, @CreatedAt) ON CONFLICT DO NOTHING",
            user);
        return added == 1;
    }

    public async Task<UserRow?> GetUserAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>($"SELECT {UserColumns} FROM users WHERE id = @id", new { id });
    }

    public async Task<UserRow?> FindUserAsync(string userName, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>($"SELECT {UserColumns} FROM users WHERE user_name = @userName", new { userName });
    }

    /// <summary>Users by name, one page at a time: those after <paramref name="after"/> (a user name), at most <paramref name="limit"/>.</summary>
    public async Task<List<UserRow>> ListUsersAsync(string? after = null, int limit = 500, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<UserRow>(
            $"SELECT {UserColumns} FROM users WHERE @after IS NULL OR user_name > @after ORDER BY user_name LIMIT @limit", new { after, limit })];
    }

    /// <summary>Every user, read page by page (no silent cap).</summary>
    public async IAsyncEnumerable<UserRow> AllUsersAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        const int Page = 500;
        string? after = null;
        while (true)
        {
            var page = await ListUsersAsync(after, Page, ct);
            foreach (var user in page)
            {
                yield return user;
            }

            if (page.Count < Page)
            {
                yield break;
            }

            after = page[^1].UserName;
        }
    }

    public async Task<int> CountUsersAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM users");
    }

    /// <summary>
    /// Writes an administrator's change to a user (never the failure count, which sign-ins change atomically). A password reset lifts the
    /// lockout; with <paramref name="endSessions"/> every token of the user is revoked in the same transaction.
    /// </summary>
    public async Task UpdateUserAsync(UserRow user, bool passwordReset, bool endSessions, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE users SET display_name = @DisplayName, password_hash = @PasswordHash, grants = @Grants, disabled = @Disabled" +
            (passwordReset ? ", failed_logins = 0, locked_until = NULL" : "") + " WHERE id = @Id",
            user, tx);
        if (endSessions)
        {
            await RevokeAllTokensAsync(connection, tx, user.Id, now);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>Revokes every live token of a user (sign out everywhere); how many there were.</summary>
    public async Task<int> RevokeAllTokensAsync(string userId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await RevokeAllTokensAsync(connection, null, userId, now);
    }

    private static Task<int> RevokeAllTokensAsync(DbConnection connection, DbTransaction? tx, string userId, DateTimeOffset now) =>
        connection.ExecuteAsync("UPDATE tokens SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL", new { now, userId }, tx);

    /// <summary>
    /// Takes one sign-in attempt of the account's <paramref name="limit"/>, in one statement, before the password is checked: the
    /// attempt that takes the last one locks the account until <paramref name="lockUntil"/> (a right password lifts it again, see
    /// <see cref="SignedInAsync"/>), and an expired lock starts a fresh count. Concurrent attempts cannot all read the same count:
    /// however many arrive at once, at most <paramref name="limit"/> get the user back. Null for an unknown, disabled or locked account.
    /// </summary>
    public async Task<UserRow?> TakeSignInAttemptAsync(string userName, int limit, DateTimeOffset now, DateTimeOffset lockUntil, CancellationToken ct = default)
    {
        const string Count = "CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END";
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(
            $"UPDATE users SET failed_logins = {Count}, locked_until = CASE WHEN {Count} >= @limit THEN @lockUntil ELSE NULL END " +
            $"WHERE user_name = @userName AND disabled = @no AND (locked_until IS NULL OR locked_until <= @now) RETURNING {UserColumns}",
            new { userName, limit, now, lockUntil, no = false });
    }

    /// <summary>A right password: the session's token, the account's failures forgotten and the address's attempt given back, in one transaction.</summary>
    public async Task SignedInAsync(TokenRow token, string addressKey, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO tokens (token_hash, user_id, kind, name, created_at, expires_at) VALUES (@TokenHash, @UserId, @Kind, @Name, @CreatedAt, @ExpiresAt)",
            token, tx);
        await connection.ExecuteAsync("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = @UserId", token, tx);
        await connection.ExecuteAsync("UPDATE rate_limits SET hits = hits - 1 WHERE key = @addressKey AND hits > 0", new { addressKey }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Counts one hit against <paramref name="key"/> in a fixed window, in one statement shared by every node: the hits so far in the
    /// current window (this one included) and when the window began. A window that has passed starts again at one; when one starts,
    /// rows of the same kind (the key's prefix up to ':') idle for a whole window are deleted.
    /// </summary>
    public async Task<RateLimitRow> HitAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var since = now - window;
        var row = await connection.QuerySingleAsync<RateLimitRow>(
            "INSERT INTO rate_limits (key, window_started_at, hits) VALUES (@key, @now, 1) ON CONFLICT (key) DO UPDATE SET " +
            "hits = CASE WHEN rate_limits.window_started_at <= @since THEN 1 ELSE rate_limits.hits + 1 END, " +
            "window_started_at = CASE WHEN rate_limits.window_started_at <= @since THEN @now ELSE rate_limits.window_started_at END " +
            "RETURNING hits AS Hits, window_started_at AS WindowStartedAt",
            new { key, now, since });
        if (row.Hits == 1)
        {
            await connection.ExecuteAsync("DELETE FROM rate_limits WHERE key LIKE @kind AND window_started_at <= @stale",
                new { kind = key[..(key.IndexOf(':', StringComparison.Ordinal) + 1)] + "%", stale = since - window });
        }

        return row;
    }

    public async Task AddTokenAsync(TokenRow token, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO tokens (token_hash, user_id, kind, name, created_at, expires_at) VALUES (@TokenHash, @UserId, @Kind, @Name, @CreatedAt, @ExpiresAt)",
            token);
    }

    /// <summary>The user a live token belongs to (not revoked, not expired, user not disabled), or null.</summary>
    public async Task<UserRow?> UserByTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(
            $"SELECT {string.Join(", ", UserColumns.Split(", ").Select(c => "u." + c))} FROM tokens t JOIN users u ON u.id = t.user_id " +
            "WHERE t.token_hash = @tokenHash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > @now) AND u.disabled = @no",
            new { tokenHash, now, no = false });
    }

    public async Task<List<TokenRow>> ListTokensAsync(string userId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<TokenRow>(
            "SELECT token_hash AS TokenHash, user_id AS UserId, kind AS Kind, name AS Name, created_at AS CreatedAt, expires_at AS ExpiresAt, revoked_at AS RevokedAt " +
            "FROM tokens WHERE user_id = @userId ORDER BY created_at DESC LIMIT 200",
            new { userId })];
    }

    /// <summary>Revokes a token by the first characters of its hash (what the API shows as its id); false when none matched.</summary>
    public async Task<bool> RevokeTokenAsync(string userId, string tokenId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var revoked = await connection.ExecuteAsync(
            "UPDATE tokens SET revoked_at = @now WHERE user_id = @userId AND token_hash LIKE @prefix AND revoked_at IS NULL",
            new { now, userId, prefix = tokenId + "%" });
        return revoked > 0;
    }
}

public sealed partial class WorkflowStore
{
    public async Task<string?> GetSettingAsync(string key, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT value FROM settings WHERE key = @key", new { key });
    }

    /// <summary>Sets a numeric setting only upwards (the demo clock's offset never goes back, whichever node writes last).</summary>
    public async Task RaiseSettingAsync(string key, long value, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value " +
            "WHERE CAST(settings.value AS bigint) < CAST(excluded.value AS bigint)",
            new { key, value = value.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    public async Task SetSettingAsync(string key, string value, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", new { key, value });
    }
}
