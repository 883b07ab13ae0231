using Dapper;

namespace LinxianWorkflow.Server.Storage;

public sealed partial class WorkflowStore
{
    private const string UserColumns =
        "id AS Id, user_name AS UserName, display_name AS DisplayName, password_hash AS PasswordHash, grants AS Grants, disabled AS Disabled, " +
        "failed_logins AS FailedLogins, locked_until AS LockedUntil, created_at AS CreatedAt";

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

    public async Task UpdateUserAsync(UserRow user, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE users SET display_name = @DisplayName, password_hash = @PasswordHash, grants = @Grants, disabled = @Disabled, " +
            "failed_logins = @FailedLogins, locked_until = @LockedUntil WHERE id = @Id",
            user);
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
