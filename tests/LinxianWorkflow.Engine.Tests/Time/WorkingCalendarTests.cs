using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Time;

public class WorkingCalendarTests
{
    private static readonly WorkingCalendar Calendar = Load();

    private static WorkingCalendar Load()
    {
        var (calendar, errors) = WorkingCalendar.Parse(Repository.ReadWorkflow(Path.Combine("calendar", "cn.calendar.json")), "cn.calendar.json");
        Assert.Empty(errors);
        return calendar!;
    }

    private static DateTimeOffset Cst(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, ChinaTime.Offset);

    [Theory]
    [InlineData("2025-01-28", false)] // 春节 (除夕)
    [InlineData("2025-02-04", false)] // 春节 (初七)
    [InlineData("2025-01-26", true)]  // Sunday, 调休 working day
    [InlineData("2025-02-08", true)]  // Saturday, 调休 working day
    [InlineData("2025-10-08", false)] // 国庆节、中秋节
    [InlineData("2025-10-11", true)]  // Saturday, 调休
    [InlineData("2026-01-04", true)]  // Sunday, 调休 after 元旦
    [InlineData("2026-02-23", false)] // 春节 (正月初七)
    [InlineData("2026-05-09", true)]  // Saturday, 调休 after 劳动节
    [InlineData("2026-09-20", true)]  // Sunday, 调休 before 国庆节
    [InlineData("2026-10-07", false)] // 国庆节
    [InlineData("2026-11-27", true)]  // an ordinary Friday
    [InlineData("2026-11-28", false)] // an ordinary Saturday
    public void Official_arrangements_decide_what_is_a_working_day(string date, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Working_days_skip_the_spring_festival_and_count_the_adjusted_saturday()
    {
        // Act on Mon 27 Jan 2025 (the day is not counted); 28 Jan – 4 Feb off; 5, 6, 7 Feb work → ends 00:00 on 8 Feb.
        Assert.Equal(Cst(2025, 2, 8), Calendar.PeriodEnd(Cst(2025, 1, 27, 15), 3));

        // Act on Fri 13 Feb 2026: Sat 14 Feb is a 调休 working day, the first counted.
        Assert.Equal(Cst(2026, 2, 15), Calendar.PeriodEnd(Cst(2026, 2, 13, 9), 1));

        // 7 working days from Tue 29 Sep 2026: 30 Sep; (1–7 Oct off) 8, 9, Sat 10 (调休), 12, 13, 14 Oct → 00:00 on 15 Oct.
        Assert.Equal(Cst(2026, 10, 15), Calendar.PeriodEnd(Cst(2026, 9, 29, 10), 7));
    }

    [Fact]
    public void A_year_the_calendar_does_not_hold_is_counted_monday_to_friday()
    {
        Assert.True(Calendar.Covers(2025));
        Assert.True(Calendar.Covers(2026));
        Assert.False(Calendar.Covers(2027));
        // Fri 8 Jan 2027: Sat and Sun skipped; Mon 11 and Tue 12 counted → 00:00 on Wed 13.
        Assert.Equal(Cst(2027, 1, 13), Calendar.PeriodEnd(Cst(2027, 1, 8, 12), 2));
    }

    [Theory]
    [InlineData("""{"id":"x","years":{"2025":{"source":"s","holidays":[{"name":"a","from":"2025-02-04","to":"2025-01-28"}],"workdays":[]}}}""", "'from' not after 'to'")]
    [InlineData("""{"id":"x","years":{"2025":{"source":"s","holidays":[{"name":"a","from":"2026-01-01","to":"2026-01-01"}],"workdays":[]}}}""", "in 2025")]
    [InlineData("""{"id":"x","years":{"2025":{"source":"s","holidays":[{"name":"a","from":"2025-01-01","to":"2025-01-01"}],"workdays":["2025-01-01"]}}}""", "both a holiday and a working day")]
    [InlineData("""{"id":"x","years":{"2025":{"source":"","holidays":[],"workdays":[]}}}""", "'source'")]
    [InlineData("""{"id":"x","years":{"25":{"source":"s","holidays":[],"workdays":[]}}}""", "four-digit year")]
    [InlineData("""{"id":"x","years":{}}""", "at least one year")]
    [InlineData("""{"id":"x","years":{"2025":{"source":"s","holidays":[],"workdays":[],"extra":1}}}""", "not a calendar")]
    public void A_malformed_calendar_is_refused_with_the_reason(string json, string reason)
    {
        var (calendar, errors) = WorkingCalendar.Parse(json, "bad.calendar.json");
        Assert.Null(calendar);
        Assert.Contains(errors, e => e.File == "bad.calendar.json" && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_profile_counting_working_days_needs_a_calendar_and_known_periods()
    {
        var profile = Repository.ReadWorkflow(Path.Combine("profiles", "linxian.profile.json"));
        var (_, withoutCalendar) = ProfileCompiler.Compile(profile, "linxian.profile.json");
        Assert.Contains(withoutCalendar, e => e.Message.Contains("workingDays needs a calendar", StringComparison.Ordinal));

        var unknown = profile.Replace("\"workingDays\": [\"townshipReviewDays\"]", "\"workingDays\": [\"noSuchDays\"]", StringComparison.Ordinal);
        var (_, errors) = ProfileCompiler.Compile(unknown, "linxian.profile.json", Calendar);
        Assert.Contains(errors, e => e.Message.Contains("'noSuchDays' is not a period", StringComparison.Ordinal));
    }

    [Fact]
    public void Under_linxian_rules_the_township_review_deadline_counts_working_days()
    {
        var (catalog, errors) = WorkflowCatalog.LoadFolder(Repository.WorkflowsFolder);
        Assert.Empty(errors);
        var definition = catalog!.LatestDefinition("siyi-liangkai")!;
        var profile = catalog.LatestProfile("siyi-liangkai", "linxian")!;
        var (events, _) = SampleDriver.Walk(definition, profile, "p-cal", "141124/141124109/141124109207", Cst(2026, 9, 20, 9));

        var entered = events.First(e => e.Data is StepEntered { StepId: "township-review" });
        var deadline = events.Select(e => e.Data).OfType<TimerScheduled>().First(t => t.StepId == "township-review" && t.Purpose == TimerPurpose.Deadline);
        Assert.Equal(Calendar.PeriodEnd(entered.At, 7), deadline.DueAt);
        Assert.Equal(profile.PeriodEnd(entered.At, new DurationSpec(0, "townshipReviewDays")), deadline.DueAt);
        Assert.NotEqual(ChinaTime.PeriodEnd(entered.At, 7), deadline.DueAt); // the National Day holiday lies inside it
    }
}
