using System.Collections.Frozen;

namespace LinxianWorkflow.Engine.Definitions;

/// <summary>The kinds of step a definition may use.</summary>
public enum StepKind
{
    /// <summary>An actor in a given role records something and chooses an outcome.</summary>
    Task,

    /// <summary>A meeting whose record the engine judges: passed, failed or no quorum.</summary>
    Meeting,

    /// <summary>Approve, return (with reasons) or reject.</summary>
    Review,

    /// <summary>Countersign, publish, take objections, close after the minimum period.</summary>
    Disclosure,

    /// <summary>Staged progress reports, then completion.</summary>
    Progress,

    /// <summary>The instance ends here: archived or terminated.</summary>
    End,
}

/// <summary>How an instance that reached an end step ended.</summary>
public enum EndResult
{
    /// <summary>归档: the procedure ran to its end.</summary>
    Archived,

    /// <summary>终止: declined, abandoned, rejected, withdrawn, revoked or overturned.</summary>
    Terminated,
}

/// <summary>Which way an outcome goes, as the definition declares it (a diagram draws edges from this, not from names).</summary>
public enum OutcomeKind
{
    /// <summary>On along the procedure.</summary>
    Forward,

    /// <summary>Back to an earlier step (revise, hold again).</summary>
    Back,

    /// <summary>To an end step.</summary>
    End,
}

/// <summary>Where an outcome leads, and what it demands.</summary>
/// <param name="Name">The outcome's name ("passed", "returned", ...).</param>
/// <param name="To">The step it leads to.</param>
/// <param name="RequiresReason">True when the actor must give a reason.</param>
/// <param name="Unless">A guard that forbids the outcome ("mandatory-agenda"), or null.</param>
/// <param name="Kind">Forward, back or end, as declared.</param>
/// <param name="Within">The outcome may be chosen only this long after the step was entered (judicial confirmation within 30 days), or null.</param>
/// <param name="Label">The outcome's name as the definition writes it (people read "达成书面协议", not "writtenAgreement"), or null.</param>
/// <param name="RequiresEntries">Entries of the step that must have been recorded at this visit before the outcome (a session before an agreement).</param>
public sealed record Outcome(string Name, string To, bool RequiresReason, string? Unless, OutcomeKind Kind = OutcomeKind.Forward,
    DurationSpec? Within = null, IReadOnlyList<string>? RequiresEntries = null, LocalizedText? Label = null)
{
    /// <summary>The entries required first; empty when none.</summary>
    public IReadOnlyList<string> EntriesRequired => RequiresEntries ?? [];
}

/// <summary>After <paramref name="Count"/> failed votes at a meeting step, the failure leads to <paramref name="To"/> instead.</summary>
public sealed record RepeatedFailure(int Count, string To);

/// <summary>An administrative move allowed at listed steps (withdrawal, revocation, an ordered correction).</summary>
public sealed record Intervention(string Id, LocalizedText Name, IReadOnlyList<string> Roles, FrozenSet<string> AllowedAt, string To);

/// <summary>Who may demand that a recorded meeting be held again, who answers, and by when.</summary>
public sealed record RehearingRule(IReadOnlyList<string> DemandRoles, IReadOnlyList<string> AnswerRoles, DurationSpec AnswerDeadline);

/// <summary>One step of a definition.</summary>
public sealed class StepDefinition
{
    /// <summary>The step's id, unique in its definition.</summary>
    public required string Id { get; init; }

    /// <summary>The step's kind.</summary>
    public required StepKind Kind { get; init; }

    /// <summary>Its name in Chinese and English.</summary>
    public required LocalizedText Name { get; init; }

    /// <summary>The roles that act on the step (record, review, publish, report).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Outcomes by name.</summary>
    public FrozenDictionary<string, Outcome> Outcomes { get; init; } = FrozenDictionary<string, Outcome>.Empty;

    /// <summary>Meeting steps: the meeting kinds (profile keys) the clerk may record.</summary>
    public IReadOnlyList<string> MeetingKinds { get; init; } = [];

    /// <summary>Meeting steps: where repeated failed votes lead.</summary>
    public RepeatedFailure? RepeatedFailure { get; init; }

    /// <summary>Disclosure steps: who countersigns before publication.</summary>
    public IReadOnlyList<string> CountersignRoles { get; init; } = [];

    /// <summary>Disclosure steps: who answers objections.</summary>
    public IReadOnlyList<string> AnswerRoles { get; init; } = [];

    /// <summary>Disclosure steps: who rules on escalated objections.</summary>
    public IReadOnlyList<string> RulingRoles { get; init; } = [];

    /// <summary>The step runs only when this instance option is on.</summary>
    public string? OnlyIf { get; init; }

    /// <summary>The step is skipped when this instance option is on.</summary>
    public string? SkipIf { get; init; }

    /// <summary>Where a skipped step leads.</summary>
    public string? SkipTo { get; init; }

    /// <summary>End steps: how the instance ends.</summary>
    public EndResult? Result { get; init; }

    /// <summary>Timers the step declares.</summary>
    public IReadOnlyList<TimerDefinition> Timers { get; init; } = [];

    /// <summary>Task steps: the typed form recorded with the outcome (its fields may belong to some outcomes only).</summary>
    public FormDefinition Form { get; init; } = FormDefinition.Empty;

    /// <summary>Task steps: records kept any number of times without moving the instance, by id.</summary>
    public FrozenDictionary<string, EntryDefinition> Entries { get; init; } = FrozenDictionary<string, EntryDefinition>.Empty;

    /// <summary>Disclosure steps: who besides the objector may take an answered objection to the township.</summary>
    public IReadOnlyList<string> EscalationRoles { get; init; } = [];

    /// <summary>The outcome named <paramref name="name"/>, or null.</summary>
    public Outcome? OutcomeOrNull(string name) => Outcomes.GetValueOrDefault(name);

    /// <summary>True when the step is skipped for an instance with these options.</summary>
    public bool IsSkipped(IReadOnlySet<string> options) =>
        (OnlyIf is not null && !options.Contains(OnlyIf)) || (SkipIf is not null && options.Contains(SkipIf));
}

/// <summary>A loaded, checked workflow definition. Instances stay on the version they started with.</summary>
public sealed class WorkflowDefinition
{
    /// <summary>The definition's id ("siyi-liangkai").</summary>
    public required string Id { get; init; }

    /// <summary>Its version; a changed definition is a new version.</summary>
    public required int Version { get; init; }

    /// <summary>Its name.</summary>
    public required LocalizedText Name { get; init; }

    /// <summary>The first step.</summary>
    public required string Start { get; init; }

    /// <summary>
    /// The main path as declared: the steps an ordinary proposal passes, from the start to the end it is archived at
    /// (optional steps included). Steps off it (revisions, deadlock decisions, other ends) are side branches.
    /// </summary>
    public required IReadOnlyList<string> MainPath { get; init; }

    /// <summary>The roles that may start (register) a proposal in their village.</summary>
    public required IReadOnlyList<string> StartRoles { get; init; }

    /// <summary>
    /// The roles that oversee the procedure from above the village: they are told when a deadline is missed, an
    /// objection is escalated, a meeting is held on the emergency exception to its notice period, or the supervision
    /// committee raises a concern (for 四议两公开, the township's reviewers).
    /// </summary>
    public required IReadOnlyList<string> OversightRoles { get; init; }

    /// <summary>Steps in the order written.</summary>
    public required IReadOnlyList<StepDefinition> Steps { get; init; }

    /// <summary>Steps by id.</summary>
    public required FrozenDictionary<string, StepDefinition> StepsById { get; init; }

    /// <summary>Interventions by id.</summary>
    public required FrozenDictionary<string, Intervention> Interventions { get; init; }

    /// <summary>The rehearing rule, or null when the definition has none.</summary>
    public RehearingRule? Rehearing { get; init; }

    /// <summary>The roles the definition declares: names, the level each is granted at, conflicts.</summary>
    public IReadOnlyList<RoleDefinition> Roles { get; init; } = [];

    /// <summary>
    /// False when nothing of an instance may be public (people's mediation): no noticeboard, no open data, no public
    /// page; only counts by area, category and outcome.
    /// </summary>
    public bool Public { get; init; } = true;

    /// <summary>Where an instance may come from (a villager's suggestion, a party's application, a referral).</summary>
    public IReadOnlyList<SourceDefinition> Sources { get; init; } = [];

    /// <summary>The typed form recorded when an instance starts, besides title, summary, category, amount and source.</summary>
    public FormDefinition StartForm { get; init; } = FormDefinition.Empty;

    /// <summary>Who may raise a concern that tells the oversight roles at once, and what it is called; null when none.</summary>
    public ConcernRule? Concern { get; init; }

    /// <summary>
    /// Roles one person may hold together so that the instance merges the steps they would take in turn (一肩挑:
    /// the option "mergeBranchProposal" is set only when the starter holds all of them); empty when none.
    /// </summary>
    public IReadOnlyList<string> MergedOfficeRoles { get; init; } = [];

    /// <summary>The declared roles granted over one village: they may attach documents to the village's instances.</summary>
    public IReadOnlyList<string> VillageRoles => [.. Roles.Where(r => r.Level == RoleLevel.Village).Select(r => r.Id)];

    /// <summary>The file it was loaded from.</summary>
    public string SourceFile { get; init; } = "";

    /// <summary>"id@version".</summary>
    public string Key => $"{Id}@{Version}";

    /// <summary>The step with this id; throws for an unknown id (a definition is checked at load).</summary>
    public StepDefinition Step(string id) => StepsById[id];
}
