namespace LinxianWorkflow.Engine.Time;

/// <summary>
/// Calendar-day arithmetic in China Standard Time (UTC+8, no daylight saving), counted the way
/// 民法典 art. 201-203 counts periods: the day of the act is not counted, the period starts the next
/// day and ends at 24:00 of its last day.
/// </summary>
public static class ChinaTime
{
    /// <summary>China Standard Time's fixed offset.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The calendar date in China of an instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>00:00 CST at the start of <paramref name="date"/>.</summary>
    public static DateTimeOffset StartOf(DateOnly date) =>
        new(date.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>
    /// The instant a period of <paramref name="days"/> days that starts with an act at
    /// <paramref name="act"/> has fully elapsed: 00:00 CST on the day after its last day.
    /// A 7-day period after an act on 1 December runs 2-8 December and ends at 00:00 on 9 December.
    /// </summary>
    public static DateTimeOffset PeriodEnd(DateTimeOffset act, int days) =>
        StartOf(DateOf(act).AddDays(days + 1));

    /// <summary>
    /// True when a meeting on <paramref name="meeting"/> keeps a notice of <paramref name="days"/> days
    /// given on <paramref name="notice"/>: the meeting's date is at least that many days later.
    /// </summary>
    public static bool KeepsNotice(DateOnly notice, DateOnly meeting, int days) =>
        meeting.DayNumber - notice.DayNumber >= days;

    /// <summary>Formats an instant for a person waiting for it: "2026-12-09 00:00 (CST)".</summary>
    public static string Display(DateTimeOffset instant) =>
        instant.ToOffset(Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " (CST)";
}
