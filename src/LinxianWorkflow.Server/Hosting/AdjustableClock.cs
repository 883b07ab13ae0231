using System.Globalization;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// The service's clock: the system's, plus an offset that only demo and test mode may move forward
/// (Clock:Adjustable). The offset is stored, so a restart keeps the demo's "today" and no event lands
/// before the one it follows.
/// </summary>
public sealed class AdjustableClock(TimeProvider system, Database store, bool adjustable) : TimeProvider
{
    private const string SettingKey = "clock.offset-ticks";
    private long _offsetTicks;

    public bool Adjustable { get; } = adjustable;

    /// <summary>The clock without the demo's offset: sessions, token lifetimes and lockouts run on real time.</summary>
    public TimeProvider Real => system;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    // Always offset 0: SQLite compares instants as text, which orders correctly only when every one is UTC.
    public override DateTimeOffset GetUtcNow() => (system.GetUtcNow() + Offset).ToUniversalTime();

    public override TimeZoneInfo LocalTimeZone => system.LocalTimeZone;

    public async Task LoadAsync(CancellationToken ct)
    {
        if (Adjustable && await store.GetSettingAsync(SettingKey, ct) is { } stored)
        {
            // Forward only: another node's later move is taken; a read racing this node's own move is not a step back.
            var ticks = long.Parse(stored, CultureInfo.InvariantCulture);
            for (var current = Interlocked.Read(ref _offsetTicks); ticks > current; current = Interlocked.Read(ref _offsetTicks))
            {
                if (Interlocked.CompareExchange(ref _offsetTicks, ticks, current) == current)
                {
                    break;
                }
            }
        }
    }

    public async Task AdvanceAsync(TimeSpan by, CancellationToken ct)
    {
        await LoadAsync(ct); // catch up with another node's moves first
        var ticks = Interlocked.Add(ref _offsetTicks, by.Ticks);
        await store.RaiseSettingAsync(SettingKey, ticks, ct);
    }
}
