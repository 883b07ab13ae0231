using System.Globalization;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// The night in China time (default 22:00-07:00) when channels that wake a person (SMS) hold back everything but
/// escalations: a missed deadline and an objection gone to the township cannot wait for the morning.
/// </summary>
public sealed class QuietHours
{
    private readonly TimeSpan? _start;
    private readonly TimeSpan _end;

    public QuietHours(string? span)
    {
        if (string.IsNullOrWhiteSpace(span))
        {
            return;
        }

        var parts = span.Split('-', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TimeSpan.TryParseExact(parts[0], @"hh\:mm", CultureInfo.InvariantCulture, out var start)
            || !TimeSpan.TryParseExact(parts[1], @"hh\:mm", CultureInfo.InvariantCulture, out var end))
        {
            throw new InvalidOperationException($"Notifications:QuietHours must read like 22:00-07:00 (China time), not '{span}'.");
        }

        (_start, _end) = (start, end);
    }

    /// <summary>The notification kinds that go out at night too.</summary>
    public static bool IsEscalation(string kind) => kind is "escalated" or "objection-escalated";

    /// <summary><paramref name="now"/> when it is outside the quiet hours, otherwise the instant they end.</summary>
    public DateTimeOffset Release(DateTimeOffset now)
    {
        if (_start is not { } start)
        {
            return now;
        }

        var local = now.ToOffset(ChinaTime.Offset);
        var time = local.TimeOfDay;
        var quiet = start <= _end ? time >= start && time < _end : time >= start || time < _end;
        if (!quiet)
        {
            return now;
        }

        var day = ChinaTime.DateOf(now);
        if (start > _end && time >= start)
        {
            day = day.AddDays(1); // after 22:00: tomorrow's 07:00
        }

        return ChinaTime.StartOf(day).Add(_end).ToUniversalTime();
    }
}
