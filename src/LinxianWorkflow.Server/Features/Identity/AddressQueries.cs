using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>
/// A user's addresses (phone, WeCom id), the channels they want, and the one-time codes that confirm a phone
/// (<c>users</c>' address columns, <c>address_codes</c>).
/// </summary>
public sealed class AddressQueries(Database store)
{
    /// <summary>
    /// An administrator sets a user's phone and WeCom id. The WeCom id is the organisation's (its WeCom administrator assigns it), so it
    /// counts as verified from <paramref name="at"/>; a phone number that changed is unverified until its owner confirms the code sent to it.
    /// </summary>
    public async Task SetUserAddressesAsync(string userId, string? phone, string? weComId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE users SET phone = @phone, phone_verified_at = CASE WHEN phone = @phone THEN phone_verified_at END, " +
            "wecom_id = @weComId, wecom_verified_at = CASE WHEN @weComId IS NULL THEN NULL WHEN wecom_id = @weComId THEN wecom_verified_at ELSE @at END " +
            "WHERE id = @userId",
            new { userId, phone, weComId, at = at.ToUniversalTime() });
    }

    public async Task<OwnAddressesRow?> OwnAddressesAsync(string userId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<OwnAddressesRow>(
            "SELECT phone, phone_verified_at, wecom_id, wecom_verified_at, sms_wanted, wecom_wanted, " +
            "(SELECT expires_at FROM address_codes c WHERE c.user_id = users.id AND c.channel = 'sms' AND c.address = users.phone) AS code_expires_at " +
            "FROM users WHERE id = @userId",
            new { userId });
    }

    /// <summary>The user's own phone number; a number that changed (or none) is unverified, and a code sent to another number is void.</summary>
    public async Task SetOwnPhoneAsync(string userId, string? phone, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
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
        await using var connection = await store.OpenAsync(ct);
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
        const string Columns = "address, code_hash, tries, expires_at";
        await using var connection = await store.OpenAsync(ct);
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
        await using var connection = await store.OpenAsync(ct);
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
        await using var connection = await store.OpenAsync(ct);
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
