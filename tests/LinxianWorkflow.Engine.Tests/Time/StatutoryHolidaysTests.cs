using System.Globalization;
using System.Text.Json;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Tests.Instances;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Time;

public class StatutoryHolidaysTests
{
    private static readonly string CalendarJson = Repository.ReadWorkflow(Path.Combine("calendar", "cn.calendar.json"));

    private static readonly WorkingCalendar Calendar = Load();

    private static WorkingCalendar Load()
    {
        var (calendar, errors) = WorkingCalendar.Parse(CalendarJson, "cn.calendar.json");
        Assert.Empty(errors);
        return calendar!;
    }

    private static DateOnly D(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Cst(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, ChinaTime.Offset);

    // The days off of a year's official arrangement, read from the calendar file itself (not through WorkingCalendar).
    private static HashSet<DateOnly> ArrangedDaysOff(int year)
    {
        using var document = JsonDocument.Parse(CalendarJson);
        var days = new HashSet<DateOnly>();
        foreach (var holiday in document.RootElement.GetProperty("years").GetProperty(year.ToString(CultureInfo.InvariantCulture)).GetProperty("holidays").EnumerateArray())
        {
            for (var d = D(holiday.GetProperty("from").GetString()!); d <= D(holiday.GetProperty("to").GetString()!); d = d.AddDays(1))
            {
                days.Add(d);
            }
        }

        return days;
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void Every_statutory_day_off_is_a_day_off_in_the_official_arrangement(int year)
    {
        var arranged = ArrangedDaysOff(year);
        Assert.NotEmpty(arranged);
        foreach (var (date, name) in StatutoryHolidays.For(year))
        {
            Assert.True(arranged.Contains(date), $"{date:yyyy-MM-dd} ({name}) is not a day off in the {year} arrangement");
        }
    }

    [Theory]
    [InlineData(2024, "2024-04-04")]
    [InlineData(2025, "2025-04-04")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-04-05")]
    [InlineData(2028, "2028-04-04")]
    public void Qingming_falls_on_its_solar_term(int year, string date)
    {
        Assert.Equal(D(date), StatutoryHolidays.Qingming(year));
        Assert.Contains((D(date), "清明节"), StatutoryHolidays.For(year));
    }

    [Fact]
    public void The_lunar_festivals_of_2027_fall_on_their_gregorian_dates()
    {
        var days = StatutoryHolidays.For(2027);
        string[] spring = ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"]; // 除夕 to 初三
        Assert.Equal(spring.Select(D), days.Where(d => d.Name == "春节").Select(d => d.Date));
        Assert.Equal(D("2027-06-09"), days.Single(d => d.Name == "端午节").Date);
        Assert.Equal(D("2027-09-15"), days.Single(d => d.Name == "中秋节").Date);
    }

    // 2025 has a leap sixth month (闰六月): 中秋 is counted past it. 2028 has a leap fifth month, after 端午.
    [Theory]
    [InlineData(2025, "2025-01-28", "2025-05-31", "2025-10-06")]
    [InlineData(2026, "2026-02-16", "2026-06-19", "2026-09-25")]
    [InlineData(2028, "2028-01-25", "2028-05-28", "2028-10-03")]
    public void Leap_months_do_not_shift_the_lunar_festivals(int year, string newYearsEve, string dragonBoat, string midAutumn)
    {
        var days = StatutoryHolidays.For(year);
        Assert.Equal(D(newYearsEve), days.Where(d => d.Name == "春节").Min(d => d.Date));
        Assert.Equal(D(dragonBoat), days.Single(d => d.Name == "端午节").Date);
        Assert.Equal(D(midAutumn), days.Single(d => d.Name == "中秋节").Date);
    }

    [Theory]
    [InlineData(2024)]
    [InlineData(2025)]
    [InlineData(2026)]
    [InlineData(2027)]
    [InlineData(2030)]
    public void A_year_has_thirteen_statutory_days_off_each_in_that_year(int year)
    {
        var days = StatutoryHolidays.For(year);
        Assert.Equal(13, days.Count);
        Assert.Equal(13, days.Select(d => d.Date).Distinct().Count());
        Assert.All(days, d => Assert.Equal(year, d.Date.Year));
        (string, int)[] festivals = [("元旦", 1), ("春节", 4), ("清明节", 1), ("劳动节", 2), ("端午节", 1), ("中秋节", 1), ("国庆节", 3)];
        Assert.Equal(festivals, days.GroupBy(d => d.Name).Select(g => (g.Key, g.Count())));
    }

    [Theory]
    [InlineData(2000)]
    [InlineData(2100)]
    public void Years_outside_the_formulas_range_are_refused(int year) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => StatutoryHolidays.For(year));

    [Theory]
    [InlineData("2027-01-01", false)] // 元旦, a Friday
    [InlineData("2027-02-05", false)] // 除夕, a Friday
    [InlineData("2027-02-08", false)] // 初三, a Monday
    [InlineData("2027-02-09", true)]  // 初四, a Tuesday: no arrangement yet, so no bridging days
    [InlineData("2027-02-10", true)]  // a Wednesday
    [InlineData("2027-04-05", false)] // 清明, a Monday
    [InlineData("2027-05-03", true)]  // a Monday after 劳动节 (1-2 May fall on a weekend)
    [InlineData("2027-06-09", false)] // 端午, a Wednesday
    [InlineData("2027-09-15", false)] // 中秋, a Wednesday
    [InlineData("2027-10-01", false)] // 国庆, a Friday
    [InlineData("2027-10-04", true)]  // a Monday after 国庆 (2-3 October fall on the weekend)
    [InlineData("2027-10-09", false)] // a Saturday: no 调休 working weekend is known yet
    public void A_year_without_an_arrangement_rests_on_the_statutory_days_and_weekends(string date, bool working)
    {
        Assert.False(Calendar.Covers(2027));
        Assert.Equal(working, Calendar.IsWorkingDay(D(date)));
    }

    [Fact]
    public void A_period_reaching_into_a_year_without_an_arrangement_is_not_covered()
    {
        Assert.True(Calendar.CoversPeriod(Cst(2026, 12, 1, 9), Cst(2026, 12, 20)));
        Assert.True(Calendar.CoversPeriod(Cst(2025, 3, 1, 9), Cst(2026, 2, 1)));
        Assert.False(Calendar.CoversPeriod(Cst(2026, 12, 20, 9), Cst(2027, 1, 5)));
        Assert.False(Calendar.CoversPeriod(Cst(2027, 3, 1, 9), Cst(2027, 3, 10)));

        // Counted days are what matter: an act on 31 December is not counted, and a period whose last day is
        // 31 December ends at 00:00 on 1 January without counting a day of the new year.
        Assert.False(Calendar.CoversPeriod(Cst(2026, 12, 31, 9), Calendar.PeriodEnd(Cst(2026, 12, 31, 9), 1)));
        Assert.True(Calendar.CoversPeriod(Cst(2026, 12, 30, 9), Calendar.PeriodEnd(Cst(2026, 12, 30, 9), 1)));
        Assert.Equal(Cst(2027, 1, 1), Calendar.PeriodEnd(Cst(2026, 12, 30, 9), 1));
    }

    // Under Linxian the township review's 7 days are working days. The step is entered when the supervision
    // committee endorses, and the timer says whether its deadline rests on a year whose arrangement is known.
    private static (PendingTimer Deadline, PendingTimer Reminder) TownshipReviewEnteredAt(DateTimeOffset at)
    {
        var h = new Harness(Repository.LinxianProfile, start: Cst(2026, 12, 10, 9)).Start().AdvanceTo("supervision-check");
        h.Now = at;
        h.Do(Harness.Supervisor, new CompleteTask("supervision-check", "endorsed"));
        Assert.Equal("township-review", h.Step);
        var timers = h.All<TimerScheduled>().Where(t => t.StepId == "township-review").ToList();
        Assert.Equal(2, timers.Count);
        return (h.State.Timers.Values.Single(t => t.StepId == "township-review" && t.Purpose == TimerPurpose.Deadline),
            h.State.Timers.Values.Single(t => t.StepId == "township-review" && t.Purpose == TimerPurpose.Reminder));
    }

    [Fact]
    public void A_township_review_deadline_within_2026_is_not_provisional()
    {
        // Entered Mon 21 Dec: 22, 23, 24, 25, 28, 29, 30 December → 00:00 on 31 December.
        var (deadline, reminder) = TownshipReviewEnteredAt(Cst(2026, 12, 21, 10));
        Assert.Equal(Cst(2026, 12, 31), deadline.DueAt);
        Assert.False(deadline.Provisional);
        Assert.False(reminder.Provisional);
    }

    [Fact]
    public void A_township_review_deadline_whose_last_day_is_31_December_is_not_provisional()
    {
        // Entered Tue 22 Dec: 23-25, 28-31 December → 00:00 on 1 January 2027, no day of 2027 counted.
        var (deadline, reminder) = TownshipReviewEnteredAt(Cst(2026, 12, 22, 10));
        Assert.Equal(Cst(2027, 1, 1), deadline.DueAt);
        Assert.False(deadline.Provisional);
        Assert.False(reminder.Provisional);
    }

    [Fact]
    public void A_township_review_deadline_running_into_2027_is_provisional_and_skips_the_statutory_new_year()
    {
        // Entered Wed 23 Dec: 24, 25, 28-31 December, (Fri 1 January 元旦, the weekend) Mon 4 January → 00:00 on 5 January.
        var (deadline, reminder) = TownshipReviewEnteredAt(Cst(2026, 12, 23, 10));
        Assert.Equal(Cst(2027, 1, 5), deadline.DueAt);
        Assert.True(deadline.Provisional);
        Assert.True(reminder.Provisional);
    }

    [Fact]
    public void Calendar_day_periods_are_never_provisional()
    {
        // The default profile counts the township review in calendar days: 10 days into 2027 is not provisional.
        var h = new Harness(start: Cst(2026, 12, 28, 9)).Start().AdvanceTo("township-review");
        var deadline = h.State.Timers.Values.Single(t => t.StepId == "township-review" && t.Purpose == TimerPurpose.Deadline);
        Assert.Equal(Cst(2027, 1, 8), deadline.DueAt);
        Assert.False(deadline.Provisional);
    }
}
