using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>
/// How many objections and escalations one client address may send in a window (<c>Public:ObjectionsPerWindow</c> per
/// <c>Public:ObjectionWindowMinutes</c>, default 5 per 10 minutes): counted in the database (<c>rate_limits</c>), so every
/// node shares the count and a restart does not reset it, and keyed on the real client (the forwarded address from a
/// configured proxy, an IPv6 address by its /64). Reading a notice is never limited.
/// </summary>
public sealed class ObjectionLimit(RateLimits rateLimits, AdjustableClock clock, IConfiguration configuration)
{
    private readonly int _perWindow = configuration.GetValue("Public:ObjectionsPerWindow", 5) is var n and >= 1
        ? n
        : throw new InvalidOperationException("Public:ObjectionsPerWindow must be 1 or more.");

    private readonly TimeSpan _window = configuration.GetValue("Public:ObjectionWindowMinutes", 10.0) is var minutes and > 0
        ? TimeSpan.FromMinutes(minutes)
        : throw new InvalidOperationException("Public:ObjectionWindowMinutes must be more than 0.");

    /// <summary>Counts one attempt from <paramref name="remoteAddress"/>; past the limit, a 429 saying when to try again.</summary>
    public async Task TakeAsync(string remoteAddress, CancellationToken ct)
    {
        var now = clock.Real.GetUtcNow(); // real time, as sign-in limits: the demo clock moves days at a time
        var hit = await rateLimits.HitAsync("objection:" + ClientAddress.Key(remoteAddress), _window, now, ct);
        if (hit.Hits > _perWindow)
        {
            throw new ProblemException(StatusCodes.Status429TooManyRequests, "public.rate-limited", ServerText.Get("RateLimited"))
            {
                RetryAfter = hit.WindowStartedAt + _window - now,
            };
        }
    }
}
