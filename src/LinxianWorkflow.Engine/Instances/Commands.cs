namespace LinxianWorkflow.Engine.Instances;

// What an actor asks of an instance. Every command that acts on a step names the step it expects
// to be current, so a command sent against a stale view is refused instead of landing on another step.

/// <summary>A request to an instance; the engine answers with events or a rule violation.</summary>
public abstract record WorkflowCommand;

/// <summary>A command that acts on the current step, named so a stale one is refused.</summary>
public abstract record StepCommand(string StepId) : WorkflowCommand;

/// <summary>Who backs a matter: <paramref name="Supporters"/> of a group of <paramref name="GroupSize"/>.</summary>
public sealed record Backing(string Group, int Supporters, int GroupSize);

/// <summary>Registers a matter (议题受理) in a village and enters the definition's first step.</summary>
public sealed record StartProposal(
    string ProposalId,
    string VillagePath,
    string Title,
    string Summary,
    string Category,
    decimal AmountYuan,
    string Source,
    Backing? Backing = null,
    bool SecretaryIsChair = false,
    IReadOnlyDictionary<string, string>? Form = null) : WorkflowCommand;

/// <summary>Completes a task step with one of its outcomes.</summary>
public sealed record CompleteTask(string StepId, string Outcome, string? Note = null, IReadOnlyDictionary<string, string>? Form = null) : StepCommand(StepId);

/// <summary>Records one of a task step's entries (a session's record, a follow-up visit) without moving the instance.</summary>
/// <param name="StepId">The step expected to be current.</param>
/// <param name="Entry">The entry's id, as the step declares it.</param>
/// <param name="Form">The entry's fields.</param>
public sealed record RecordEntry(string StepId, string Entry, IReadOnlyDictionary<string, string>? Form = null) : StepCommand(StepId);

/// <summary>A member excluded from "due", with the reason (domain.md §2).</summary>
public sealed record Exclusion(string Member, string Reason);

/// <summary>The record of one meeting. The engine, not the clerk, decides whether it passed.</summary>
/// <param name="MeetingKind">Which kind of meeting (a profile key).</param>
/// <param name="HeldAt">When it was held.</param>
/// <param name="NoticeGivenAt">When its notice was posted; required when the profile sets a notice period.</param>
/// <param name="Members">The roster: all members (or, for an assembly, all adult villagers or households).</param>
/// <param name="Exclusions">Members excluded from "due", each with a reason the profile allows.</param>
/// <param name="Present">Members present (实到).</param>
/// <param name="Yes">Votes for.</param>
/// <param name="No">Votes against.</param>
/// <param name="Abstain">Abstentions.</param>
/// <param name="Minutes">The minutes.</param>
/// <param name="TownshipAttendee">The township official who attended and signs, where the profile asks for one.</param>
/// <param name="EmergencyReason">Why the notice period could not be kept, where the profile allows an emergency.</param>
/// <param name="ImplementationDueBy">The date by which the resolution says it is to be carried out (China date); sets the implementation step's deadline.</param>
public sealed record MeetingRecord(
    string MeetingKind,
    DateTimeOffset HeldAt,
    DateTimeOffset? NoticeGivenAt,
    int Members,
    IReadOnlyList<Exclusion> Exclusions,
    int Present,
    int Yes,
    int No,
    int Abstain,
    string Minutes,
    string? TownshipAttendee = null,
    string? EmergencyReason = null,
    DateOnly? ImplementationDueBy = null);

/// <summary>Records a meeting at a meeting step.</summary>
public sealed record RecordMeeting(string StepId, MeetingRecord Record) : StepCommand(StepId);

/// <summary>A reviewer's decision.</summary>
public enum ReviewDecision
{
    /// <summary>批准.</summary>
    Approve,

    /// <summary>退回修改, with reasons.</summary>
    Return,

    /// <summary>不予批准, with reasons.</summary>
    Reject,
}

/// <summary>Reviews a review step.</summary>
public sealed record ReviewStep(string StepId, ReviewDecision Decision, string? Reasons = null) : StepCommand(StepId);

/// <summary>The supervision committee countersigns a disclosure before it is posted.</summary>
public sealed record CountersignDisclosure(string StepId, string? Opinion = null) : StepCommand(StepId);

/// <summary>Posts a disclosure for <paramref name="PeriodDays"/> days (the definition's period when null; never below the profile's minimum).</summary>
public sealed record PublishDisclosure(string StepId, string NoticeText, IReadOnlyList<string> Channels, int? PeriodDays = null) : StepCommand(StepId);

/// <summary>
/// A villager lodges an objection to a posted disclosure; <paramref name="ObjectionId"/> is the receipt number;
/// <paramref name="ContactCommitment"/> the keyed hash of a contact they left (the contact itself is kept outside the history).
/// </summary>
public sealed record LodgeObjection(string StepId, string ObjectionId, string Text, string? ContactCommitment = null) : StepCommand(StepId);

/// <summary>How an objection is disposed of.</summary>
public enum ObjectionRuling
{
    /// <summary>Answered and not upheld.</summary>
    Dismissed,

    /// <summary>Upheld: the matter goes back (re-vote, or rework).</summary>
    Upheld,

    /// <summary>Upheld so far that the matter ends.</summary>
    Terminate,
}

/// <summary>The village committee answers an objection in writing.</summary>
public sealed record AnswerObjection(string StepId, string ObjectionId, string Answer, ObjectionRuling Ruling) : StepCommand(StepId);

/// <summary>An objection goes to the township (the objector or the supervision committee is not satisfied).</summary>
public sealed record EscalateObjection(string StepId, string ObjectionId, string Reason) : StepCommand(StepId);

/// <summary>The township rules on an escalated objection.</summary>
public sealed record RuleOnObjection(string StepId, string ObjectionId, ObjectionRuling Ruling, string Reasons) : StepCommand(StepId);

/// <summary>Closes a disclosure after its period, with no objection left open.</summary>
public sealed record CloseDisclosure(string StepId) : StepCommand(StepId);

/// <summary>A progress report during implementation; stage is before, during or after.</summary>
public sealed record ReportProgress(string StepId, string Stage, string Summary, decimal? CostYuan = null, bool Disclose = false) : StepCommand(StepId);

/// <summary>Implementation is complete, with its total cost.</summary>
public sealed record CompleteImplementation(string StepId, string Summary, decimal TotalCostYuan) : StepCommand(StepId);

/// <summary>An administrative move the definition allows here (withdraw, revoke, order a correction).</summary>
public sealed record Intervene(string InterventionId, string Reason) : WorkflowCommand;

/// <summary>The supervision committee demands that a recorded meeting be held again.</summary>
public sealed record DemandRehearing(string TargetStepId, string Reasons) : WorkflowCommand;

/// <summary>The two committees answer a rehearing demand: accept (the meeting is held again) or explain why not.</summary>
public sealed record AnswerRehearing(string DemandId, bool Accepted, string Answer) : WorkflowCommand;

/// <summary>A supervision committee member raises a concern about any step of the proposal (done, current or ahead); the township is told.</summary>
public sealed record RaiseConcern(string StepId, string Text) : WorkflowCommand;

/// <summary>
/// A document (minutes scan, contract, photo) attached to a step: the file itself is stored by the service
/// under its SHA-256; the record carries the hash, so the history proves which file it was.
/// </summary>
public sealed record AttachDocument(string StepId, string Sha256, string FileName, string MediaType, long SizeBytes, string? Description = null) : WorkflowCommand;

/// <summary>The system fires a timer that fell due. Firing twice, or after the step was left, does nothing.</summary>
public sealed record FireTimer(string TimerId) : WorkflowCommand;
