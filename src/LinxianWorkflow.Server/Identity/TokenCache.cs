using System.Collections.Concurrent;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Identity;

/// <summary>
/// Tokens this node checked in the last <see cref="Lifetime"/>, so a busy client is not a database query per
/// request. Revoking a token or changing a user clears it on this node; another node sees the change
/// within <see cref="Lifetime"/>, kept short because a revoked token (a password reset, a disabled user, sign out
/// everywhere) must stop working on every node at once, not a while later.
/// </summary>
public sealed class TokenCache(AdjustableClock clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<string, (UserRow User, DateTimeOffset Until)> _users = new(StringComparer.Ordinal);

    public UserRow? Get(string tokenHash) =>
        _users.TryGetValue(tokenHash, out var entry) && entry.Until > clock.Real.GetUtcNow() ? entry.User : null;

    public void Set(string tokenHash, UserRow user)
    {
        if (_users.Count >= 100_000)
        {
            _users.Clear();
        }

        _users[tokenHash] = (user, clock.Real.GetUtcNow() + Lifetime);
    }

    public void Clear() => _users.Clear();
}
