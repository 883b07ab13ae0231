using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Engine.Time;

/// <summary>
/// Which days are working days in China: the official arrangements per year (days off, and the weekend
/// days that become working days, 调休) from workflows/calendar/*.calendar.json; any other day works
/// Monday to Friday. A year the calendar does not hold counts the statutory holidays of
/// 《全国年节及纪念日放假办法》 (<see cref="StatutoryHolidays"/>) and weekends, and a period over it is provisional
/// (<see cref="CoversPeriod"/>) until the year's arrangement is added as data.
/// </summary>
public sealed class WorkingCalendar
{
    /// <summary>The file name ending of calendars under workflows/.</summary>
    public const string Suffix = ".calendar.json";

    private readonly FrozenSet<DateOnly> _holidays;
    private readonly FrozenSet<DateOnly> _workdays;
    private readonly FrozenSet<int> _years;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, FrozenSet<DateOnly>> _statutory = new();

    private WorkingCalendar(string id, IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> workdays, IEnumerable<int> years)
    {
        Id = id;
        _holidays = holidays.ToFrozenSet();
        _workdays = workdays.ToFrozenSet();
        _years = years.ToFrozenSet();
    }

    /// <summary>The calendar's id ("cn").</summary>
    public string Id { get; }

    /// <summary>True when the calendar holds the official arrangement for <paramref name="year"/>.</summary>
    public bool Covers(int year) => _years.Contains(year);

    /// <summary>
    /// True when every day a period from <paramref name="act"/> to <paramref name="end"/> counts lies in a year whose
    /// official arrangement the calendar holds; false marks the period provisional.
    /// </summary>
    public bool CoversPeriod(DateTimeOffset act, DateTimeOffset end)
    {
        // The act's own day is not counted, and the end is 00:00 after the last day counted: a period whose last
        // day is 31 December counts no day of the next year.
        for (var year = ChinaTime.DateOf(act).AddDays(1).Year; year <= ChinaTime.DateOf(end.AddTicks(-1)).Year; year++)
        {
            if (!Covers(year))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="date"/> is a working day.</summary>
    public bool IsWorkingDay(DateOnly date)
    {
        if (!Covers(date.Year))
        {
            return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !StatutoryDaysOff(date.Year).Contains(date);
        }

        return _workdays.Contains(date) || (!_holidays.Contains(date) && date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
    }

    private FrozenSet<DateOnly> StatutoryDaysOff(int year) =>
        year is < StatutoryHolidays.FirstYear or > StatutoryHolidays.LastYear
            ? FrozenSet<DateOnly>.Empty
            : _statutory.GetOrAdd(year, y => StatutoryHolidays.For(y).Select(d => d.Date).ToFrozenSet());

    /// <summary>
    /// The instant a period of <paramref name="days"/> working days after an act at <paramref name="act"/>
    /// has elapsed: the act's own day is not counted; 00:00 CST after the last working day counted.
    /// </summary>
    public DateTimeOffset PeriodEnd(DateTimeOffset act, int days)
    {
        var date = ChinaTime.DateOf(act);
        for (var counted = 0; counted < days;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date))
            {
                counted++;
            }
        }

        return ChinaTime.StartOf(date.AddDays(1));
    }

    /// <summary>Reads a calendar file; errors name the file and what is wrong.</summary>
    public static (WorkingCalendar? Calendar, IReadOnlyList<DefinitionError> Errors) Parse(string text, string file)
    {
        var errors = new List<DefinitionError>();
        void Error(string message) => errors.Add(new DefinitionError(file, null, message));
        CalendarJson? raw;
        try
        {
            raw = JsonSerializer.Deserialize<CalendarJson>(text, DefinitionJsonOptions);
        }
        catch (JsonException e)
        {
            return (null, [new DefinitionError(file, null, $"not a calendar: {e.Message}")]);
        }

        if (raw?.Id is not { Length: > 0 } id || raw.Years is not { Count: > 0 } years)
        {
            return (null, [new DefinitionError(file, null, "a calendar needs 'id' and at least one year under 'years'")]);
        }

        var holidays = new HashSet<DateOnly>();
        var workdays = new HashSet<DateOnly>();
        var yearNumbers = new List<int>();
        foreach (var (yearText, year) in years)
        {
            if (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || yearText.Length != 4)
            {
                Error($"year '{yearText}' is not a four-digit year");
                continue;
            }

            yearNumbers.Add(number);
            if (string.IsNullOrWhiteSpace(year.Source))
            {
                Error($"{yearText}: 'source' must name the official notice the arrangement comes from");
            }

            foreach (var holiday in year.Holidays ?? [])
            {
                if (!TryDate(holiday.From, number, out var from) || !TryDate(holiday.To, number, out var to) || to < from)
                {
                    Error($"{yearText}: holiday '{holiday.Name}' needs 'from' and 'to' dates (yyyy-MM-dd) in {yearText}, 'from' not after 'to'");
                    continue;
                }

                for (var d = from; d <= to; d = d.AddDays(1))
                {
                    holidays.Add(d);
                }
            }

            foreach (var text2 in year.Workdays ?? [])
            {
                if (!TryDate(text2, number, out var day))
                {
                    Error($"{yearText}: workday '{text2}' is not a date (yyyy-MM-dd) in {yearText}");
                    continue;
                }

                workdays.Add(day);
            }
        }

        foreach (var both in holidays.Intersect(workdays).Order())
        {
            Error($"{both:yyyy-MM-dd} is both a holiday and a working day");
        }

        return errors.Count > 0 ? (null, errors) : (new WorkingCalendar(id, holidays, workdays, yearNumbers), errors);
    }

    private static readonly JsonSerializerOptions DefinitionJsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static bool TryDate(string? text, int year, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date) && date.Year == year;

    private sealed class CalendarJson
    {
        [System.Text.Json.Serialization.JsonPropertyName("$schema")]
        public string? Schema { get; set; }

        public string? Id { get; set; }

        public Dictionary<string, string>? Name { get; set; }

        public Dictionary<string, YearJson>? Years { get; set; }
    }

    private sealed class YearJson
    {
        public string? Source { get; set; }

        public List<HolidayJson>? Holidays { get; set; }

        public List<string>? Workdays { get; set; }
    }

    private sealed class HolidayJson
    {
        public string? Name { get; set; }

        public string? From { get; set; }

        public string? To { get; set; }
    }
}
