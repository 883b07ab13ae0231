using System.Collections.Frozen;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Rules;

/// <summary>The rules of one kind of meeting under a profile (domain.md §2).</summary>
/// <param name="Kind">The meeting kind's key ("villager-representatives").</param>
/// <param name="Name">Its name, used in every message about it.</param>
/// <param name="Quorum">How many must attend, counted against those due.</param>
/// <param name="Pass">How many "yes" votes carry the motion, and against which base.</param>
/// <param name="NoticeDays">Calendar days between the notice's date and the meeting's date.</param>
/// <param name="TownshipAttendeeRequired">True when a township attendee must sign the record.</param>
/// <param name="ExclusionReasons">Reasons for which members may be excluded from "due"; empty: none may be.</param>
public sealed record MeetingRule(
    string Kind,
    LocalizedText Name,
    Threshold Quorum,
    Threshold Pass,
    int NoticeDays,
    bool TownshipAttendeeRequired,
    FrozenSet<string> ExclusionReasons);

/// <summary>A category of matter and the meeting rules it overrides (一事一议: ≥ 2/3 of those present).</summary>
public sealed record CategoryRule(string Id, LocalizedText Name, FrozenDictionary<string, MeetingRule> Meetings);

/// <summary>A group whose backing forces a matter onto the agenda (1/10 of adult villagers, 1/5 of representatives).</summary>
public sealed record AgendaThreshold(string Group, Fraction AtLeast);

/// <summary>Switches a profile sets for every instance it starts.</summary>
/// <param name="SupervisionCheck">The supervision committee checks the plan after the joint meeting (step 2a).</param>
/// <param name="TownshipReview">The township reviews the plan before the party members meet (step 2b).</param>
/// <param name="AllowMergedBranchProposal">Where the secretary is also the chair, steps 1 and 2 merge.</param>
/// <param name="DisclosureCountersign">The supervision committee countersigns every disclosure before it is posted.</param>
/// <param name="EmergencyNotice">A meeting may be held before its notice period ends, with a recorded reason, flagged for the township.</param>
public sealed record ProfileOptions(
    bool SupervisionCheck,
    bool TownshipReview,
    bool AllowMergedBranchProposal,
    bool DisclosureCountersign,
    bool EmergencyNotice);

/// <summary>A county's rules: thresholds as exact fractions, periods in days, optional steps and category overrides.</summary>
public sealed class RuleProfile
{
    /// <summary>Instance option: the supervision-check step runs.</summary>
    public const string OptionSupervisionCheck = "supervisionCheck";

    /// <summary>Instance option: the township-review step runs.</summary>
    public const string OptionTownshipReview = "townshipReview";

    /// <summary>Instance option: the branch proposal is merged into the joint meeting.</summary>
    public const string OptionMergeBranchProposal = "mergeBranchProposal";

    /// <summary>Every instance option a definition may name in onlyIf/skipIf.</summary>
    public static readonly FrozenSet<string> KnownOptions =
        new[] { OptionSupervisionCheck, OptionTownshipReview, OptionMergeBranchProposal }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The profile's id ("default", "linxian").</summary>
    public required string Id { get; init; }

    /// <summary>Its version; instances keep the version they started with.</summary>
    public required int Version { get; init; }

    /// <summary>Its name.</summary>
    public required LocalizedText Name { get; init; }

    /// <summary>Its switches.</summary>
    public required ProfileOptions Options { get; init; }

    /// <summary>Meeting rules by meeting kind.</summary>
    public required FrozenDictionary<string, MeetingRule> Meetings { get; init; }

    /// <summary>Categories by id; every proposal names one.</summary>
    public required FrozenDictionary<string, CategoryRule> Categories { get; init; }

    /// <summary>Named periods in calendar days ("objectionAnswerDays": 10).</summary>
    public required FrozenDictionary<string, int> Days { get; init; }

    /// <summary>Named periods counted in working days rather than calendar days ("townshipReviewDays").</summary>
    public FrozenSet<string> WorkingDayPeriods { get; init; } = FrozenSet<string>.Empty;

    /// <summary>The working-day calendar, when any period counts working days.</summary>
    public WorkingCalendar? Calendar { get; init; }

    /// <summary>
    /// When a period of <paramref name="duration"/> after an act at <paramref name="act"/> has elapsed:
    /// calendar days in China Standard Time, or working days for the periods the profile names.
    /// </summary>
    public DateTimeOffset PeriodEnd(DateTimeOffset act, DurationSpec duration) =>
        duration.ProfileKey is { } key && Calendar is { } calendar && WorkingDayPeriods.Contains(key)
            ? calendar.PeriodEnd(act, Days[key])
            : ChinaTime.PeriodEnd(act, duration.DaysUnder(this));

    /// <summary>No disclosure may be shorter than this (never below 5).</summary>
    public required int MinimumDisclosureDays { get; init; }

    /// <summary>Backing that forces a matter onto the agenda.</summary>
    public required IReadOnlyList<AgendaThreshold> MandatoryAgenda { get; init; }

    /// <summary>Routine disclosures the village owes regardless of any matter: kind ("general", "finance") → "monthly" or "quarterly" (law art. 30).</summary>
    public FrozenDictionary<string, string> RoutineDisclosure { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>
    /// Roles that may not act in a role held in the same village: supervision-member → the party secretary, the
    /// village chair and two-committee members (村民委员会组织法; domain.md §5). A supervision act by someone who also
    /// holds a conflicting role in that village is refused, and the service refuses to grant the combination.
    /// </summary>
    public FrozenDictionary<string, FrozenSet<string>> SeparationOfDuties { get; internal set; } = FrozenDictionary<string, FrozenSet<string>>.Empty;

    /// <summary>True when the profile writes its own separation of duties; otherwise the catalog fills in the definition's role conflicts.</summary>
    public bool SeparationDeclared { get; init; }

    /// <summary>The procedure (definition id) whose rules this profile sets.</summary>
    public required string Workflow { get; init; }

    /// <summary>Calendar days after a committee's answer within which the objector (or the supervision committee) may take it to the township.</summary>
    public int ObjectionEscalationDays => Days.GetValueOrDefault(ObjectionEscalationDaysKey, DefaultObjectionEscalationDays);

    /// <summary>The named period that sets <see cref="ObjectionEscalationDays"/>.</summary>
    public const string ObjectionEscalationDaysKey = "objectionEscalationDays";

    /// <summary>The escalation window when a profile does not name one.</summary>
    public const int DefaultObjectionEscalationDays = 5;

    /// <summary>The roles that conflict with acting as <paramref name="role"/> in the same village (empty when none).</summary>
    public FrozenSet<string> ConflictsOf(string role) => SeparationOfDuties.GetValueOrDefault(role) ?? FrozenSet<string>.Empty;

    /// <summary>The file it was loaded from.</summary>
    public string SourceFile { get; init; } = "";

    /// <summary>"id@version".</summary>
    public string Key => $"{Id}@{Version}";

    /// <summary>
    /// True when a period of <paramref name="duration"/> after <paramref name="act"/> is counted in working days over a
    /// year whose official arrangement (调休) is not yet in the calendar: only the statutory holidays are known, so the
    /// end may move once the State Council's notice is added.
    /// </summary>
    public bool IsProvisional(DateTimeOffset act, DurationSpec duration) =>
        duration.ProfileKey is { } key && Calendar is { } calendar && WorkingDayPeriods.Contains(key)
        && !calendar.CoversPeriod(act, PeriodEnd(act, duration));

    /// <summary>The rule for a meeting kind, with the category's overrides applied.</summary>
    public MeetingRule MeetingRuleFor(string meetingKind, string category) =>
        Categories.TryGetValue(category, out var rule) && rule.Meetings.TryGetValue(meetingKind, out var overridden)
            ? overridden
            : Meetings[meetingKind];
}
