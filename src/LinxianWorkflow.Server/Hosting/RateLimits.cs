using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>A key's hits in its current window (<see cref="RateLimits.HitAsync"/>).</summary>
public sealed class RateLimitRow
{
    public int Hits { get; set; }
    public DateTimeOffset WindowStartedAt { get; set => field = value.ToUniversalTime(); }
}

/// <summary>
/// Fixed-window counters in the database (<c>rate_limits</c>), shared by every node: sign-in attempts per address, public
/// objections per address, phone codes per user and the notification providers' sending rates each count here by a key
/// prefix of their own.
/// </summary>
public sealed class RateLimits(Database store)
{
    /// <summary>
    /// Counts one hit against <paramref name="key"/> in a fixed window, in one statement shared by every node: the hits so far in the
    /// current window (this one included) and when the window began. A window that has passed starts again at one; when one starts,
    /// rows of the same kind (the key's prefix up to ':') idle for a whole window are deleted.
    /// </summary>
    public async Task<RateLimitRow> HitAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        var since = now - window;
        var row = await connection.QuerySingleAsync<RateLimitRow>(
            "INSERT INTO rate_limits (key, window_started_at, hits) VALUES (@key, @now, 1) ON CONFLICT (key) DO UPDATE SET " +
            "hits = CASE WHEN rate_limits.window_started_at <= @since THEN 1 ELSE rate_limits.hits + 1 END, " +
            "window_started_at = CASE WHEN rate_limits.window_started_at <= @since THEN @now ELSE rate_limits.window_started_at END " +
            "RETURNING hits, window_started_at",
            new { key, now, since });
        if (row.Hits == 1)
        {
            await connection.ExecuteAsync("DELETE FROM rate_limits WHERE key LIKE @kind AND window_started_at <= @stale",
                new { kind = key[..(key.IndexOf(':', StringComparison.Ordinal) + 1)] + "%", stale = since - window });
        }

        return row;
    }
}
