using System.Data.Common;
using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>
/// The users, their tokens and sign-ins (<c>users</c>, <c>tokens</c>): the administration's reads and writes, a sign-in's
/// attempt and its session, the bearer token's lookup. A user's addresses are <see cref="AddressQueries"/>'.
/// </summary>
public sealed class UserQueries(Database store)
{
    private const string Columns =
        "id, user_name, display_name, password_hash, grants, disabled, failed_logins, locked_until, created_at, phone, phone_verified_at, wecom_id, wecom_verified_at";

    /// <summary>Adds a user; false when the user name is taken.</summary>
    public async Task<bool> AddAsync(UserRow user, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        var added = await connection.ExecuteAsync(
            "INSERT INTO users (id, user_name, display_name, password_hash, grants, disabled, failed_logins, created_at) " +
            "VALUES (@Id, @UserName, @DisplayName, @PasswordHash, @Grants, @Disabled, 0, @CreatedAt) ON CONFLICT DO NOTHING",
            user);
        return added == 1;
    }

    public async Task<UserRow?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>($"SELECT {Columns} FROM users WHERE id = @id", new { id });
    }

    public async Task<UserRow?> FindAsync(string userName, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>($"SELECT {Columns} FROM users WHERE user_name = @userName", new { userName });
    }

    /// <summary>Users by name, one page at a time: those after <paramref name="after"/> (a user name), at most <paramref name="limit"/>.</summary>
    public async Task<List<UserRow>> ListAsync(string? after = null, int limit = 500, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<UserRow>(
            $"SELECT {Columns} FROM users WHERE @after IS NULL OR user_name > @after ORDER BY user_name LIMIT @limit", new { after, limit })];
    }

    /// <summary>Every user, read page by page (no silent cap).</summary>
    public async IAsyncEnumerable<UserRow> AllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        const int Page = 500;
        string? after = null;
        while (true)
        {
            var page = await ListAsync(after, Page, ct);
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

    /// <summary>
    /// Writes an administrator's change to a user (never the failure count, which sign-ins change atomically). A password reset lifts the
    /// lockout; with <paramref name="endSessions"/> every token of the user is revoked in the same transaction.
    /// </summary>
    public async Task UpdateAsync(UserRow user, bool passwordReset, bool endSessions, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
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
        await using var connection = await store.OpenAsync(ct);
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
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(
            $"UPDATE users SET failed_logins = {Count}, locked_until = CASE WHEN {Count} >= @limit THEN @lockUntil ELSE NULL END " +
            $"WHERE user_name = @userName AND disabled = @no AND (locked_until IS NULL OR locked_until <= @now) RETURNING {Columns}",
            new { userName, limit, now, lockUntil, no = false });
    }

    /// <summary>A right password: the session's token, the account's failures forgotten and the address's attempt given back, in one transaction.</summary>
    public async Task SignedInAsync(TokenRow token, string addressKey, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO tokens (token_hash, user_id, kind, name, created_at, expires_at) VALUES (@TokenHash, @UserId, @Kind, @Name, @CreatedAt, @ExpiresAt)",
            token, tx);
        await connection.ExecuteAsync("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = @UserId", token, tx);
        await connection.ExecuteAsync("UPDATE rate_limits SET hits = hits - 1 WHERE key = @addressKey AND hits > 0", new { addressKey }, tx);
        await tx.CommitAsync(ct);
    }

    public async Task AddTokenAsync(TokenRow token, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO tokens (token_hash, user_id, kind, name, created_at, expires_at) VALUES (@TokenHash, @UserId, @Kind, @Name, @CreatedAt, @ExpiresAt)",
            token);
    }

    /// <summary>The user a live token belongs to (not revoked, not expired, user not disabled), or null.</summary>
    public async Task<UserRow?> ByTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(
            $"SELECT {string.Join(", ", Columns.Split(", ").Select(c => "u." + c))} FROM tokens t JOIN users u ON u.id = t.user_id " +
            "WHERE t.token_hash = @tokenHash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > @now) AND u.disabled = @no",
            new { tokenHash, now, no = false });
    }

    public async Task<List<TokenRow>> ListTokensAsync(string userId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<TokenRow>(
            "SELECT token_hash, user_id, kind, name, created_at, expires_at, revoked_at " +
            "FROM tokens WHERE user_id = @userId ORDER BY created_at DESC LIMIT 200",
            new { userId })];
    }

    /// <summary>Revokes a token by the first characters of its hash (what the API shows as its id); false when none matched.</summary>
    public async Task<bool> RevokeTokenAsync(string userId, string tokenId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        var revoked = await connection.ExecuteAsync(
            "UPDATE tokens SET revoked_at = @now WHERE user_id = @userId AND token_hash LIKE @prefix AND revoked_at IS NULL",
            new { now, userId, prefix = tokenId + "%" });
        return revoked > 0;
    }
}
