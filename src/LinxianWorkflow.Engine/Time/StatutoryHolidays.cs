using System.Globalization;

namespace LinxianWorkflow.Engine.Time;

/// <summary>
/// The days off that 《全国年节及纪念日放假办法》 (2024 text) fixes for every year, before the State Council's yearly
/// arrangement adds bridging days and 调休 working weekends: 元旦 1 Jan; 春节 除夕 to 正月初三; 清明 on its solar term;
/// 劳动节 1-2 May; 端午 (五月初五); 中秋 (八月十五); 国庆 1-3 Oct. A working-day period counted over a year without the
/// arrangement uses these and weekends, and is marked provisional.
/// </summary>
public static class StatutoryHolidays
{
    private static readonly ChineseLunisolarCalendar Lunar = new();

    /// <summary>The first and last Gregorian years this can compute (the lunisolar calendar's range, and the 清明 formula's century).</summary>
    public const int FirstYear = 2001;

    /// <summary>The last year computed.</summary>
    public const int LastYear = 2099;

    /// <summary>The statutory days off in <paramref name="year"/>, each with its festival's name.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2001-2099.</exception>
    public static IReadOnlyList<(DateOnly Date, string Name)> For(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, FirstYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, LastYear);
        var days = new List<(DateOnly, string)> { (new DateOnly(year, 1, 1), "元旦") };

        // 春节: 除夕 (the day before 正月初一) to 初三 — four days, all in the Gregorian year of 正月初一.
        var newYear = LunarDate(year, 1, 1);
        for (var d = newYear.AddDays(-1); d <= newYear.AddDays(2); d = d.AddDays(1))
        {
            days.Add((d, "春节"));
        }

        days.Add((Qingming(year), "清明节"));
        days.Add((new DateOnly(year, 5, 1), "劳动节"));
        days.Add((new DateOnly(year, 5, 2), "劳动节"));
        days.Add((LunarDate(year, 5, 5), "端午节"));
        days.Add((LunarDate(year, 8, 15), "中秋节"));
        for (var day = 1; day <= 3; day++)
        {
            days.Add((new DateOnly(year, 10, day), "国庆节"));
        }

        return days;
    }

    /// <summary>
    /// 清明: the day the sun reaches 15° ecliptic longitude, by the standard 21st-century formula
    /// ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋ April (Y the year's last two digits), exact for 2001-2099.
    /// </summary>
    public static DateOnly Qingming(int year)
    {
        var y = year % 100;
        var day = (int)Math.Floor((y * 0.2422) + 4.81) - (y / 4);
        return new DateOnly(year, 4, day);
    }

    /// <summary>The Gregorian date of lunar <paramref name="month"/>/<paramref name="day"/> in the lunar year that begins in <paramref name="year"/> (leap months skipped).</summary>
    private static DateOnly LunarDate(int year, int month, int day)
    {
        // GetLeapMonth gives the position of the leap month (7 = the month after the sixth is 闰六月); months from
        // that position on are numbered one higher.
        var leap = Lunar.GetLeapMonth(year);
        var index = leap > 0 && month >= leap ? month + 1 : month;
        return DateOnly.FromDateTime(Lunar.ToDateTime(year, index, day, 0, 0, 0, 0));
    }
}
