using LinxianWorkflow.Server.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace LinxianWorkflow.Server.Identity;

/// <summary>
/// Tokens this node checked in the last <see cref="Lifetime"/>, so a busy client is not a database query per
/// request. Revoking a token or changing a user clears it on this node; another node sees the change
/// within <see cref="Lifetime"/>, kept short because a revoked token (a password reset, a disabled user, sign out
/// everywhere) must stop working on every node within seconds (this node at once).
/// </summary>
public sealed class TokenCache : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(3);

    /// <summary>Tokens remembered at most (when full, a new one is not remembered until the cache has compacted: it is read from the database).</summary>
    public const int Capacity = 100_000;

    // Real time (the system clock): sessions never follow the demo's adjustable procedure clock.
    private readonly MemoryCache _users = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public UserRow? Get(string tokenHash) => _users.TryGetValue<UserRow>(tokenHash, out var user) ? user : null;

    public void Set(string tokenHash, UserRow user) =>
        _users.Set(tokenHash, user, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void Clear() => _users.Clear();

    public void Dispose() => _users.Dispose();
}
