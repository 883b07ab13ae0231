using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using Mediator;

namespace LinxianWorkflow.Server.Features.Overview;

/// <summary>
/// The overview of a township or the county (issue 14): township reviewers see their township, county auditors and
/// administrators their county (or one of its townships, <paramref name="Township"/>); anyone else is refused. Read from
/// aggregates over the proposals table's indexes and the counters the projection keeps, never a scan of the histories.
/// </summary>
/// <param name="Caller">Who asks.</param>
/// <param name="Township">One township of the caller's to narrow to, or null.</param>
/// <param name="Procedure">The procedure counted (a definition id); null for the one new proposals start on.</param>
public sealed record GetOverview(Caller Caller, string? Township, string? Procedure = null) : IQuery<OverviewData>, ICallerMessage
{
    /// <summary>The roles whose grant opens the overview: a township reviewer's township; an auditor's or administrator's county.</summary>
    public static bool IsFor(Caller caller) => caller.Grants.Any(g => AboveVillage(g.Role));

    // By the level a role is granted at (Roles.GrantDepth), not by naming roles: a grant over a township or more reads its overview.
    private static bool AboveVillage(string role) => Roles.GrantDepth(role) is { Max: <= 2 };

    /// <summary>A role granted over a county (or deployment-wide) at most.</summary>
    internal static bool CountyWide(string role) => Roles.GrantDepth(role) is { Max: <= 1 };
}

/// <summary>
/// What the overview shows, for the county or township <c>AreaCode</c> ("" for several), narrowed to <c>Township</c> when asked;
/// <c>Choices</c> are the townships the caller may narrow to (a county-level caller's county; a reviewer's own when more than one);
/// <c>Procedure</c> is the procedure counted (its newest version) and <c>Procedures</c> those the caller may choose from;
/// <c>Steps</c> are the procedure's steps in the order it writes them, <c>Categories</c> its categories' names. Only counts: no title, party or typed text of any
/// proposal (a people's mediation case is counted here and shown nowhere public).
/// </summary>
public sealed record OverviewData(
    string AreaCode,
    string? Township,
    IReadOnlyList<Area> Choices,
    WorkflowDefinition Procedure,
    IReadOnlyList<WorkflowDefinition> Procedures,
    IReadOnlyList<string> Steps,
    IReadOnlyList<StandingCount> Standing,
    IReadOnlyList<OverdueCount> Overdue,
    IReadOnlyList<StepTime> StepTimes,
    IReadOnlyDictionary<string, LocalizedText> Categories,
    CloseTime Closing,
    IReadOnlyList<DisclosureTimeliness> Disclosures,
    ObjectionCounts Objections)
{
    /// <summary>True when the procedure has disclosure steps (and so disclosures closed on time and objections to count).</summary>
    public bool Discloses => Procedure.Steps.Any(s => s.Kind == StepKind.Disclosure);
}

/// <summary>How long a step stayed open (whole tenths of a day, nearest-rank percentiles) against the profile's deadline for it.</summary>
public sealed record StepTime(string StepId, long Count, decimal MedianDays, decimal P90Days, int? DeadlineDays, bool WorkingDays);

/// <summary>How long the ended proposals took from start to end (whole tenths of a day, nearest-rank percentiles).</summary>
public sealed record CloseTime(long Count, decimal MedianDays, decimal P90Days);

public sealed record DisclosureTimeliness(string StepId, long OnTime, long Late);

public sealed record ObjectionCounts(long Lodged, long Answered, long Escalated, long Upheld);

public sealed class GetOverviewHandler(OverviewQueries store, AreaRegistry areas, WorkflowLibrary library) : IQueryHandler<GetOverview, OverviewData>
{
    public async ValueTask<OverviewData> Handle(GetOverview query, CancellationToken cancellationToken)
    {
        var (area, townships, choices) = Scope(query.Caller, query.Township);
        // The procedure asked for (404 naming it when there is none), on the profile the area runs it on.
        var (definition, profile) = library.ForNewProposal(areas.PathOf(area), query.Procedure is { Length: > 0 } asked ? asked : null);
        var keys = library.KeysOf(definition.Id);
        // The counters are kept per step id: those of this procedure's steps that can be left (an end step never is; two
        // procedures share no other step id, which OverviewTests checks).
        var stepIds = library.Catalog.Definitions.Values.Where(d => d.Id == definition.Id)
            .SelectMany(d => d.Steps).Where(s => s.Kind != StepKind.End).Select(s => s.Id).Distinct(StringComparer.Ordinal).ToArray();
        // Four statements on four connections at once: the county's aggregates take about the same time.
        var standingQuery = store.StandingCountsAsync(townships, keys, cancellationToken);
        var overdueQuery = store.OverdueCountsAsync(townships, keys, cancellationToken);
        var talliesQuery = store.TallyCountsAsync(townships, stepIds, cancellationToken);
        var closingQuery = store.CloseTimesAsync(townships, keys, cancellationToken);
        var (standing, overdue, tallies, closing) = (await standingQuery, await overdueQuery, await talliesQuery, await closingQuery);
        var closed = closing.OrderBy(c => c.Bucket).Select(c => (c.Bucket, c.N)).ToList();

        // Steps in the order the procedure writes them (steps of older versions after them).
        var order = definition.Steps.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        int Order(string step) => order.GetValueOrDefault(step, int.MaxValue);
        long Sum(string metric) => tallies.Where(t => t.Metric == metric).Sum(t => t.N);

        var stepTimes = tallies.Where(t => t.Metric == OverviewTally.StepTime)
            .GroupBy(t => t.StepId, StringComparer.Ordinal)
            .OrderBy(g => Order(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var histogram = g.OrderBy(t => t.Bucket).Select(t => (t.Bucket, t.N)).ToList();
                var deadline = Deadline(definition, profile, g.Key);
                return new StepTime(g.Key, histogram.Sum(h => h.N), Percentile(histogram, 50), Percentile(histogram, 90), deadline?.Days, deadline?.Working ?? false);
            }).ToList();
        var disclosures = tallies.Where(t => t.Metric == OverviewTally.DisclosureClosed)
            .GroupBy(t => t.StepId, StringComparer.Ordinal)
            .OrderBy(g => Order(g.Key))
            .Select(g => new DisclosureTimeliness(g.Key, g.Where(t => t.Bucket == 1).Sum(t => t.N), g.Where(t => t.Bucket == 0).Sum(t => t.N)))
            .ToList();
        // Categories as the procedure's own profiles name them (two procedures may both have a "homestead").
        var categories = library.Catalog.Profiles.Values.Where(p => p.Workflow == definition.Id).OrderByDescending(p => p.Version)
            .SelectMany(p => p.Categories.Values).GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        return new OverviewData(area, query.Township is { Length: > 0 } ? area : null, choices, definition, library.Catalog.Procedures,
            [.. definition.Steps.Select(s => s.Id)], standing, overdue, stepTimes, categories,
            new CloseTime(closed.Sum(c => c.N), Percentile(closed, 50), Percentile(closed, 90)), disclosures, new ObjectionCounts(
            Sum(OverviewTally.ObjectionLodged), Sum(OverviewTally.ObjectionAnswered), Sum(OverviewTally.ObjectionEscalated), Sum(OverviewTally.ObjectionUpheld)));
    }

    /// <summary>
    /// The area shown, the townships counted (null: everywhere) and those the caller may choose: a county-level grant
    /// (auditor, administrator) gives its county, a reviewer's grant its township; a township asked for must be one of them.
    /// </summary>
    private (string Area, IReadOnlyCollection<string>? Townships, IReadOnlyList<Area> Choices) Scope(Caller caller, string? township)
    {
        var county = caller.Grants.Where(g => GetOverview.CountyWide(g.Role)).Select(g => g.Scope).Distinct().ToList();
        var own = caller.Grants.Where(g => Roles.GrantDepth(g.Role) is (2, 2)).Select(g => g.Scope.Split('/')[^1]).Distinct().ToList();
        var everywhere = county.Contains("");
        var counties = everywhere ? [.. areas.Counties().Select(c => c.Code)] : county.Select(c => c.Split('/')[^1]).ToList();
        var choices = counties.SelectMany(areas.Townships)
            .Concat(own.Where(t => !counties.Any(c => areas.PathOf(t).StartsWith(c + "/", StringComparison.Ordinal))).Select(t => areas.Find(t) ?? new Area(t, t, null, AreaLevel.Township)))
            .ToList();
        if (!GetOverview.IsFor(caller))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "overview.forbidden", "OverviewForbidden");
        }

        if (township is { Length: > 0 })
        {
            return everywhere || choices.Any(c => c.Code == township)
                ? (township, [township], choices)
                : throw ServerText.Problem(StatusCodes.Status403Forbidden, "overview.township", "OverviewTownship");
        }

        if (everywhere)
        {
            return (counties.Count == 1 ? counties[0] : "", null, choices);
        }

        var area = county.Count == 0 && own.Count == 1 ? own[0] : counties.Count == 1 && own.Count == 0 ? counties[0] : "";
        return (area, [.. choices.Select(c => c.Code)], choices.Count > 1 ? choices : []);
    }

    /// <summary>The step's deadline from being entered, in the profile's days (working days when the profile counts them so).</summary>
    private static (int Days, bool Working)? Deadline(WorkflowDefinition definition, Engine.Rules.RuleProfile profile, string stepId) =>
        definition.StepsById.TryGetValue(stepId, out var step)
        && step.Timers.FirstOrDefault(t => t is { Kind: TimerKind.Deadline, Anchor: TimerAnchor.StepEntered }) is { } timer
            ? (timer.Duration.DaysUnder(profile), timer.Duration.ProfileKey is { } key && profile.WorkingDayPeriods.Contains(key))
            : null;

    /// <summary>The nearest-rank percentile of a histogram of tenths of a day, in days: the smallest bucket holding at least p% of the stays.</summary>
    public static decimal Percentile(IReadOnlyList<(int Bucket, long N)> histogram, int percent)
    {
        var total = histogram.Sum(h => h.N);
        var rank = Math.Max(1, (total * percent + 99) / 100);
        var seen = 0L;
        foreach (var (bucket, n) in histogram)
        {
            seen += n;
            if (seen >= rank)
            {
                return bucket / 10m;
            }
        }

        return 0m;
    }
}
