using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Time;

public class ChinaTimeTests
{
    private static DateTimeOffset Cst(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, ChinaTime.Offset);

    // domain.md §3: a 7-day disclosure posted at any hour on 1 December runs 2-8 December
    // and can be closed from 00:00 on 9 December (CST).
    [Theory]
    [InlineData(0, 0)]
    [InlineData(9, 30)]
    [InlineData(23, 59)]
    public void A_seven_day_period_from_1_December_ends_at_midnight_starting_9_December(int hour, int minute)
    {
        Assert.Equal(Cst(12, 9, 0), ChinaTime.PeriodEnd(Cst(12, 1, hour, minute), 7));
    }

    [Fact]
    public void The_day_of_the_act_is_the_China_date_even_when_UTC_is_still_the_day_before()
    {
        var act = new DateTimeOffset(2026, 11, 30, 17, 0, 0, TimeSpan.Zero); // 01:00 on 1 December in China
        Assert.Equal(new DateOnly(2026, 12, 1), ChinaTime.DateOf(act));
        Assert.Equal(Cst(12, 9, 0), ChinaTime.PeriodEnd(act, 7));
    }

    [Fact]
    public void A_period_runs_across_the_year_end()
    {
        Assert.Equal(new DateTimeOffset(2027, 1, 4, 0, 0, 0, ChinaTime.Offset), ChinaTime.PeriodEnd(Cst(12, 28, 15), 6));
    }

    // Notice on 1 December, 10 days: the meeting may be held on 11 December or later.
    [Theory]
    [InlineData(10, 10, false)]
    [InlineData(11, 10, true)]
    [InlineData(12, 10, true)]
    [InlineData(3, 3, false)]
    [InlineData(4, 3, true)]
    [InlineData(1, 0, true)]
    public void A_notice_period_counts_whole_days_between_dates(int meetingDay, int days, bool kept)
    {
        Assert.Equal(kept, ChinaTime.KeepsNotice(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, meetingDay), days));
    }

    [Fact]
    public void Instants_are_shown_in_China_Standard_Time()
    {
        Assert.Equal("2026-12-09 00:00 (CST)", ChinaTime.Display(new DateTimeOffset(2026, 12, 8, 16, 0, 0, TimeSpan.Zero)));
    }
}
