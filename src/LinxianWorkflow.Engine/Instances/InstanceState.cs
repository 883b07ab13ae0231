using System.Collections.Immutable;
using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Engine.Instances;

/// <summary>Where an instance stands in its life.</summary>
public enum InstanceStatus
{
    /// <summary>No event yet.</summary>
    NotStarted,

    /// <summary>Waiting at a step.</summary>
    Running,

    /// <summary>Reached an end step.</summary>
    Ended,
}

/// <summary>Where an objection stands.</summary>
public enum ObjectionStatus
{
    /// <summary>Lodged, awaiting the village committee's answer.</summary>
    Lodged,

    /// <summary>Answered and dismissed by the committee; the objector may still escalate.</summary>
    Answered,

    /// <summary>With the township, awaiting its ruling.</summary>
    Escalated,

    /// <summary>Disposed of for good.</summary>
    Resolved,
}

/// <summary>A timer the instance is waiting on.</summary>
public sealed record PendingTimer(string TimerId, string StepId, int Visit, TimerPurpose Purpose, TimerExpiry OnExpiry, DateTimeOffset DueAt, string? ObjectionId, bool Provisional = false);

/// <summary>An objection at the current disclosure; <paramref name="AnsweredAt"/> is when the committee dismissed it (the escalation window runs from then).</summary>
public sealed record ObjectionState(string ObjectionId, ObjectionStatus Status, DateTimeOffset? AnsweredAt = null);

/// <summary>The current disclosure's progress.</summary>
public sealed record DisclosureState(bool Countersigned, DateTimeOffset? PublishedAt, DateTimeOffset? ClosableFrom, ImmutableDictionary<string, ObjectionState> Objections)
{
    /// <summary>A disclosure not yet countersigned or published.</summary>
    public static readonly DisclosureState Empty = new(false, null, null, ImmutableDictionary<string, ObjectionState>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>Objections that keep the disclosure from closing (unanswered or with the township).</summary>
    public int OpenObjections => Objections.Values.Count(o => o.Status is ObjectionStatus.Lodged or ObjectionStatus.Escalated);
}

/// <summary>The roster of the last meeting of a kind: members, and those due after its exclusions.</summary>
public sealed record Roster(int Members, int Due);

/// <summary>An unanswered demand that a meeting be held again.</summary>
public sealed record RehearingDemand(string DemandId, string TargetStepId);

/// <summary>
/// An instance's state: the fold of its events. It holds only what the engine needs to decide the next
/// command; the history itself is the events.
/// </summary>
public sealed record InstanceState
{
    private static readonly ImmutableDictionary<string, int> NoCounts = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
    private static readonly ImmutableDictionary<string, PendingTimer> NoTimers = ImmutableDictionary<string, PendingTimer>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The state before the first event.</summary>
    public static readonly InstanceState Empty = new();

    /// <summary>Events folded so far; the next event's sequence is Version + 1.</summary>
    public int Version { get; init; }

    /// <summary>Not started, running or ended.</summary>
    public InstanceStatus Status { get; init; }

    /// <summary>The start event (definition, profile, village, category...).</summary>
    public ProposalStarted? Start { get; init; }

    /// <summary>When the proposal was registered (no notice or meeting of it can be earlier).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The definition version the instance runs on: the one it started with, until it is migrated.</summary>
    public int DefinitionVersion { get; init; }

    /// <summary>The profile version the instance runs on: the one it started with, until it is migrated.</summary>
    public int ProfileVersion { get; init; }

    /// <summary>How often the instance was migrated.</summary>
    public int Migrations { get; init; }

    /// <summary>Instance options resolved at start (supervisionCheck, townshipReview, mergeBranchProposal).</summary>
    public ImmutableHashSet<string> Options { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>The step the instance waits at (the end step once ended).</summary>
    public string? CurrentStep { get; init; }

    /// <summary>The current visit's number.</summary>
    public int Visit { get; init; }

    /// <summary>When the current step was entered.</summary>
    public DateTimeOffset StepEnteredAt { get; init; }

    /// <summary>How the instance ended, once it has.</summary>
    public EndResult? Result { get; init; }

    /// <summary>Meetings recorded at the current visit (no-quorum attempts included).</summary>
    public int MeetingAttempts { get; init; }

    /// <summary>Failed votes per meeting step over the whole instance (for repeatedFailure).</summary>
    public ImmutableDictionary<string, int> FailedVotes { get; init; } = NoCounts;

    /// <summary>The last recorded roster of each meeting kind (so the next form can say the numbers the rule needs).</summary>
    public ImmutableDictionary<string, Roster> LastRoster { get; init; } = ImmutableDictionary<string, Roster>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Meeting steps whose meeting passed at least once (rehearing targets).</summary>
    public ImmutableHashSet<string> PassedMeetings { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>The current disclosure, when the current step is one.</summary>
    public DisclosureState Disclosure { get; init; } = DisclosureState.Empty;

    /// <summary>Progress reports at the current visit.</summary>
    public int ProgressReports { get; init; }

    /// <summary>Timers pending, by id.</summary>
    public ImmutableDictionary<string, PendingTimer> Timers { get; init; } = NoTimers;

    /// <summary>The open rehearing demand, if any.</summary>
    public RehearingDemand? OpenDemand { get; init; }

    /// <summary>Rehearing demands made so far (numbers the next one).</summary>
    public int Demands { get; init; }

    /// <summary>Concerns raised so far (numbering the next).</summary>
    public int Concerns { get; init; }

    /// <summary>The implementation deadline the last passed meeting set (resolution), if any.</summary>
    public DateOnly? ImplementationDueBy { get; init; }

    /// <summary>True when the current step's deadline passed and it was escalated.</summary>
    public bool Overdue { get; init; }

    /// <summary>The latest recorded value of each typed form field (start form, task forms, entries), by field id.</summary>
    public ImmutableDictionary<string, string> FormValues { get; init; } = ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Entries recorded at the current visit of the current step, by entry id.</summary>
    public ImmutableDictionary<string, int> EntriesThisVisit { get; init; } = NoCounts;

    /// <summary>Entries recorded in the whole instance, by entry id (numbers the timers an extension creates).</summary>
    public ImmutableDictionary<string, int> EntriesTotal { get; init; } = NoCounts;

    /// <summary>Folds a sequence of events onto the empty state.</summary>
    public static InstanceState From(IEnumerable<RecordedEvent> events) => events.Aggregate(Empty, (s, e) => s.Apply(e));

    /// <summary>The state after the recorded event <paramref name="e"/>.</summary>
    public InstanceState Apply(RecordedEvent e) => Apply(e.Data, e.At);

    /// <summary>The state after <paramref name="e"/>, which happened at <paramref name="at"/> (a step entry's time matters).</summary>
    public InstanceState Apply(WorkflowEvent e, DateTimeOffset at)
    {
        var next = ApplyData(e, at);
        return next with { Version = Version + 1 };
    }

    private InstanceState ApplyData(WorkflowEvent e, DateTimeOffset at) => e switch
    {
        ProposalStarted s => this with
        {
            Status = InstanceStatus.Running,
            Start = s,
            StartedAt = at,
            DefinitionVersion = s.DefinitionVersion,
            ProfileVersion = s.ProfileVersion,
            Options = [.. s.Options],
            FormValues = s.Form is null ? FormValues : FormValues.SetItems(s.Form),
        },
        TaskCompleted t when t.Form is not null => this with { FormValues = FormValues.SetItems(t.Form) },
        EntryRecorded r => this with
        {
            FormValues = FormValues.SetItems(r.Form),
            EntriesThisVisit = EntriesThisVisit.SetItem(r.Entry, EntriesThisVisit.GetValueOrDefault(r.Entry) + 1),
            EntriesTotal = EntriesTotal.SetItem(r.Entry, EntriesTotal.GetValueOrDefault(r.Entry) + 1),
        },
        InstanceMigrated m => this with
        {
            DefinitionVersion = m.ToVersion,
            ProfileVersion = m.ToProfileVersion,
            Migrations = Migrations + 1,
            CurrentStep = m.ToStep,
            PassedMeetings = [.. PassedMeetings.Select(step => m.StepMapping.GetValueOrDefault(step, step))],
            FailedVotes = FailedVotes.ToImmutableDictionary(f => m.StepMapping.GetValueOrDefault(f.Key, f.Key), f => f.Value, StringComparer.Ordinal),
        },
        StepEntered s => this with
        {
            CurrentStep = s.StepId,
            Visit = s.Visit,
            StepEnteredAt = at,
            MeetingAttempts = 0,
            Disclosure = DisclosureState.Empty,
            ProgressReports = 0,
            Overdue = false,
            EntriesThisVisit = NoCounts,
        },
        MeetingRecorded m => this with
        {
            MeetingAttempts = MeetingAttempts + 1,
            LastRoster = LastRoster.SetItem(m.Record.MeetingKind, new Roster(m.Record.Members, m.Due)),
            FailedVotes = m.Verdict == MeetingVerdict.Failed
                ? FailedVotes.SetItem(m.StepId, FailedVotes.GetValueOrDefault(m.StepId) + 1)
                : FailedVotes,
            PassedMeetings = m.Verdict == MeetingVerdict.Passed ? PassedMeetings.Add(m.StepId) : PassedMeetings,
            ImplementationDueBy = m.Verdict == MeetingVerdict.Passed && m.Record.ImplementationDueBy is { } dueBy ? dueBy : ImplementationDueBy,
        },
        DisclosureCountersigned => this with { Disclosure = Disclosure with { Countersigned = true } },
        DisclosurePublished p => this with { Disclosure = Disclosure with { PublishedAt = at, ClosableFrom = p.ClosableFrom } },
        ObjectionLodged o => WithObjection(o.ObjectionId, ObjectionStatus.Lodged),
        ObjectionAnswered o => WithObjection(o.ObjectionId, o.Ruling == ObjectionRuling.Dismissed ? ObjectionStatus.Answered : ObjectionStatus.Resolved, at),
        ObjectionEscalated o => WithObjection(o.ObjectionId, ObjectionStatus.Escalated),
        ObjectionRuled o => WithObjection(o.ObjectionId, ObjectionStatus.Resolved),
        ProgressReported => this with { ProgressReports = ProgressReports + 1 },
        ConcernRaised => this with { Concerns = Concerns + 1 },
        RehearingDemanded d => this with { OpenDemand = new RehearingDemand(d.DemandId, d.TargetStepId), Demands = Demands + 1 },
        RehearingAnswered => this with { OpenDemand = null },
        TimerScheduled t => this with { Timers = Timers.SetItem(t.TimerId, new PendingTimer(t.TimerId, t.StepId, t.Visit, t.Purpose, t.OnExpiry, t.DueAt, t.ObjectionId, t.Provisional)) },
        TimerCancelled t => this with { Timers = Timers.Remove(t.TimerId) },
        TimerFired t => this with { Timers = Timers.Remove(t.TimerId) },
        DeadlineEscalated => this with { Overdue = true },
        InstanceEnded end => this with { Status = InstanceStatus.Ended, Result = end.Result },
        _ => this,
    };

    private InstanceState WithObjection(string id, ObjectionStatus status, DateTimeOffset? answeredAt = null) =>
        this with { Disclosure = Disclosure with { Objections = Disclosure.Objections.SetItem(id, new ObjectionState(id, status, answeredAt)) } };
}
