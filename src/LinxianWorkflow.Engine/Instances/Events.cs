using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Instances;

// Facts, past tense. An instance is the fold of its events (InstanceState.Apply); nothing else is stored.

/// <summary>A fact in an instance's history.</summary>
public abstract record WorkflowEvent;

/// <summary>An event with its place in the stream and who caused it.</summary>
/// <param name="Sequence">1-based position in the instance's stream.</param>
/// <param name="At">When it was decided.</param>
/// <param name="ActorId">Who acted ("system" for timers).</param>
/// <param name="ActorName">Their name at the time.</param>
/// <param name="Role">The role they acted in.</param>
/// <param name="OnBehalfOf">Whom they acted for, if anyone.</param>
/// <param name="Data">The fact.</param>
public sealed record RecordedEvent(int Sequence, DateTimeOffset At, string ActorId, string ActorName, string Role, string? OnBehalfOf, WorkflowEvent Data);

/// <summary>A matter was registered; the instance is bound to this definition and profile version for good.</summary>
public sealed record ProposalStarted(
    string ProposalId,
    string DefinitionId,
    int DefinitionVersion,
    string ProfileId,
    int ProfileVersion,
    string VillagePath,
    string Title,
    string Summary,
    string Category,
    decimal AmountYuan,
    string Source,
    Backing? Backing,
    IReadOnlyList<string> Options,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Form = null) : WorkflowEvent;

/// <summary>
/// The instance moved to another version of its definition and profile (an administrator's act, with the mapping of
/// renamed steps and the reason): from here on it runs on <paramref name="ToVersion"/>, at <paramref name="ToStep"/>.
/// </summary>
public sealed record InstanceMigrated(
    string DefinitionId,
    int FromVersion,
    int ToVersion,
    string ProfileId,
    int FromProfileVersion,
    int ToProfileVersion,
    string FromStep,
    string ToStep,
    IReadOnlyDictionary<string, string> StepMapping,
    string Reason) : WorkflowEvent;

/// <summary>The instance entered a step (visit numbers count every entry, so a re-entered step has a new visit).</summary>
public sealed record StepEntered(string StepId, int Visit, string? FromStep, string? ViaOutcome) : WorkflowEvent;

/// <summary>An optional step was passed over because of an instance option.</summary>
public sealed record StepSkipped(string StepId, string Option) : WorkflowEvent;

/// <summary>A task step was completed.</summary>
public sealed record TaskCompleted(
    string StepId,
    int Visit,
    string Outcome,
    string? Note,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Form = null) : WorkflowEvent;

/// <summary>An entry of a task step was recorded (a session, a follow-up visit, the parties' consent to extend); the step stays.</summary>
/// <param name="StepId">The step.</param>
/// <param name="Visit">Its visit.</param>
/// <param name="Entry">The entry's id.</param>
/// <param name="Form">The entry's fields, checked and in canonical form.</param>
public sealed record EntryRecorded(string StepId, int Visit, string Entry, IReadOnlyDictionary<string, string> Form) : WorkflowEvent;

/// <summary>What the engine made of a meeting record.</summary>
public enum MeetingVerdict
{
    /// <summary>Quorum and vote met.</summary>
    Passed,

    /// <summary>Quorum met, vote not carried.</summary>
    Failed,

    /// <summary>Quorum not met: not a meeting; the step stays open and must be reconvened.</summary>
    NoQuorum,
}

/// <summary>A meeting was recorded and judged, with the numbers the judgement rests on.</summary>
public sealed record MeetingRecorded(
    string StepId,
    int Visit,
    int Attempt,
    MeetingRecord Record,
    int Due,
    MeetingVerdict Verdict,
    int QuorumRequired,
    CountBase PassBase,
    int PassRequired,
    bool EmergencyNotice) : WorkflowEvent;

/// <summary>A review step was decided.</summary>
public sealed record StepReviewed(string StepId, int Visit, ReviewDecision Decision, string? Reasons) : WorkflowEvent;

/// <summary>The supervision committee countersigned a disclosure.</summary>
public sealed record DisclosureCountersigned(string StepId, int Visit, string? Opinion) : WorkflowEvent;

/// <summary>A disclosure was posted; it may be closed from <paramref name="ClosableFrom"/>.</summary>
public sealed record DisclosurePublished(string StepId, int Visit, string NoticeText, IReadOnlyList<string> Channels, int PeriodDays, DateTimeOffset ClosableFrom) : WorkflowEvent;

/// <summary>
/// A villager lodged an objection. A contact they left is not in the record: <paramref name="ContactCommitment"/> is a
/// keyed hash of it (HMAC-SHA256, lower-case hex), so that the contact kept elsewhere can be erased and the record still
/// verifies, and a contact shown later can be proved to be the one given. Absent when none was left.
/// </summary>
public sealed record ObjectionLodged(
    string StepId,
    int Visit,
    string ObjectionId,
    string Text,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? ContactCommitment = null)
    : WorkflowEvent;

/// <summary>The village committee answered an objection.</summary>
public sealed record ObjectionAnswered(string StepId, string ObjectionId, string Answer, ObjectionRuling Ruling) : WorkflowEvent;

/// <summary>An objection went to the township (by the objector, the supervision committee, or a missed deadline).</summary>
public sealed record ObjectionEscalated(string StepId, string ObjectionId, string Reason, bool ByDeadline) : WorkflowEvent;

/// <summary>The township ruled on an escalated objection.</summary>
public sealed record ObjectionRuled(string StepId, string ObjectionId, ObjectionRuling Ruling, string Reasons) : WorkflowEvent;

/// <summary>A disclosure was closed after its period.</summary>
public sealed record DisclosureClosed(string StepId, int Visit) : WorkflowEvent;

/// <summary>A progress report.</summary>
public sealed record ProgressReported(string StepId, int Visit, string Stage, string Summary, decimal? CostYuan, bool Disclose) : WorkflowEvent;

/// <summary>Implementation completed.</summary>
public sealed record ImplementationCompleted(string StepId, int Visit, string Summary, decimal TotalCostYuan) : WorkflowEvent;

/// <summary>An intervention (withdrawal, revocation, ordered correction) was applied at a step.</summary>
public sealed record InterventionApplied(string InterventionId, string AtStep, string Reason) : WorkflowEvent;

/// <summary>The supervision committee demanded a meeting be held again.</summary>
public sealed record RehearingDemanded(string DemandId, string TargetStepId, string Reasons) : WorkflowEvent;

/// <summary>A supervision committee member raised a concern about a step.</summary>
public sealed record ConcernRaised(string ConcernId, string StepId, string Text) : WorkflowEvent;

/// <summary>A document was attached to a step; the file is the one whose SHA-256 this is.</summary>
public sealed record DocumentAttached(string StepId, string Sha256, string FileName, string MediaType, long SizeBytes, string? Description) : WorkflowEvent;

/// <summary>The two committees answered a rehearing demand.</summary>
public sealed record RehearingAnswered(string DemandId, bool Accepted, string Answer) : WorkflowEvent;

/// <summary>What a scheduled timer does when it fires.</summary>
public enum TimerPurpose
{
    /// <summary>Remind the actors that a deadline approaches.</summary>
    Reminder,

    /// <summary>A deadline; see the expiry for what follows.</summary>
    Deadline,

    /// <summary>A minimum period ends (a disclosure may be closed).</summary>
    PeriodEnd,
}

/// <summary>A timer was set. The store keeps it until it fires or is cancelled; firing is <see cref="FireTimer"/>.</summary>
/// <param name="TimerId">The timer's id in its instance (step, visit, timer, objection).</param>
/// <param name="StepId">The step it belongs to.</param>
/// <param name="Visit">The visit of that step.</param>
/// <param name="Purpose">Deadline, reminder or the end of a minimum period.</param>
/// <param name="OnExpiry">What firing it does.</param>
/// <param name="DueAt">When it falls due.</param>
/// <param name="ObjectionId">The objection it runs for, if any.</param>
/// <param name="Provisional">
/// True when the due instant counts working days over a year whose official holiday arrangement was not yet in the
/// calendar (only the statutory holidays were known). Added after the first records: older records read as false.
/// </param>
public sealed record TimerScheduled(string TimerId, string StepId, int Visit, TimerPurpose Purpose, TimerExpiry OnExpiry, DateTimeOffset DueAt, string? ObjectionId, bool Provisional = false) : WorkflowEvent;

/// <summary>A timer is no longer needed (its step was left, its objection answered).</summary>
public sealed record TimerCancelled(string TimerId) : WorkflowEvent;

/// <summary>A timer fired.</summary>
public sealed record TimerFired(string TimerId, TimerPurpose Purpose) : WorkflowEvent;

/// <summary>A step's deadline passed; it is overdue and the township sees it.</summary>
public sealed record DeadlineEscalated(string StepId, int Visit, string TimerId) : WorkflowEvent;

/// <summary>The instance reached an end step.</summary>
public sealed record InstanceEnded(string StepId, EndResult Result) : WorkflowEvent;
