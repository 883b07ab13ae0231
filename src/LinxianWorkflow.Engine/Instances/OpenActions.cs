using System.Collections.Frozen;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Instances;

/// <summary>What an input of an action holds.</summary>
public enum InputKind
{
    /// <summary>One line of text.</summary>
    Text,

    /// <summary>Free text of several lines.</summary>
    LongText,

    /// <summary>A whole number.</summary>
    Whole,

    /// <summary>An amount in yuan (two decimals).</summary>
    Money,

    /// <summary>An instant (entered in China Standard Time).</summary>
    DateTime,

    /// <summary>A date in China.</summary>
    Date,

    /// <summary>One of <see cref="ActionInput.Choices"/>.</summary>
    Choice,

    /// <summary>Several of <see cref="ActionInput.Choices"/> (or other text).</summary>
    Choices,

    /// <summary>Yes or no.</summary>
    Flag,

    /// <summary>Members excluded from "due", each with a reason from <see cref="ActionInput.Choices"/>.</summary>
    Exclusions,

    /// <summary>People's names, one to a line (a typed form's names field).</summary>
    Names,
}

/// <summary>One input an action needs: its JSON path in the command, its kind, whether it is required, and its choices.</summary>
/// <param name="Path">The member's path in the command's JSON ("record.heldAt").</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Required">True when the command is refused without it.</param>
/// <param name="Choices">The values allowed, for choices (outcomes, decisions, rulings, meeting kinds, steps, exclusion reasons).</param>
/// <param name="RequiredFor">For an optional reason: the choices that make it required ("returned" needs reasons).</param>
/// <param name="Label">A typed form's field: its name as the definition writes it; null for the engine's own inputs.</param>
/// <param name="ChoiceNames">Names of <paramref name="Choices"/> in the same order, where the definition gives them.</param>
/// <param name="Help">A line under the field (the parties it must include), or null.</param>
/// <param name="For">A typed form's field: the outcomes it belongs to; null or empty for every one.</param>
public sealed record ActionInput(string Path, InputKind Kind, bool Required, IReadOnlyList<string> Choices, IReadOnlyList<string> RequiredFor,
    LocalizedText? Label = null, IReadOnlyList<LocalizedText>? ChoiceNames = null, LocalizedText? Help = null, IReadOnlyList<string>? For = null)
{
    /// <summary>The inputs of a typed form declared in a definition: "form.{field}", labelled as the definition names them.</summary>
    public static IEnumerable<ActionInput> OfForm(FormDefinition form, IReadOnlyDictionary<string, string> earlier) =>
        form.Fields.Select(f => new ActionInput(
            "form." + f.Id,
            f.Type switch
            {
                FieldType.Text => InputKind.Text,
                FieldType.LongText => InputKind.LongText,
                FieldType.Date => InputKind.Date,
                FieldType.Number => InputKind.Money,
                FieldType.Boolean => InputKind.Flag,
                FieldType.Choice => InputKind.Choice,
                _ => InputKind.Names,
            },
            f.Required && f.Outcomes.Count == 0,
            [.. f.Options.Select(o => o.Id)],
            f.Required ? f.Outcomes : [],
            f.Name,
            [.. f.Options.Select(o => o.Name)],
            f.Covers is { } covers && earlier.TryGetValue(covers, out var names)
                ? Text.Get("HintCovers", string.Join("、", FormCheck.NamesOf(names)))
                : f.Help,
            f.Outcomes));

    internal static ActionInput Of(string path, InputKind kind, bool required = true) => new(path, kind, required, [], []);
}

/// <summary>The rules a meeting of one kind will be judged by, in numbers where the roster is known.</summary>
/// <param name="MeetingKind">The meeting kind (a profile key).</param>
/// <param name="Rule">The profile's rule, with the proposal category's overrides.</param>
/// <param name="EarliestDate">The earliest date (China) the meeting may be held if its notice is posted today.</param>
/// <param name="Members">The roster of the last meeting of this kind in this proposal, if any.</param>
/// <param name="Due">Those due at that roster (members less the last exclusions).</param>
/// <param name="QuorumRequired">The fewest present for a quorum at that roster.</param>
/// <param name="PassRequired">The fewest "yes" votes to carry, at that roster, when counted against those due (null when counted against those present).</param>
/// <param name="Summary">The hint in words: "应到 45 人，至少 30 人到会，同意至少 23 人".</param>
public sealed record MeetingHint(string MeetingKind, MeetingRule Rule, DateOnly EarliestDate, int? Members, int? Due, int? QuorumRequired, int? PassRequired, LocalizedText Summary);

/// <summary>
/// An action that may happen now on an instance: what it is (the API's action name and command), where (the step,
/// objection, intervention or demand), who may take it, what it needs, and what a clerk should know first.
/// </summary>
/// <param name="Action">The action's name ("record-meeting"), see <see cref="OpenActions.Commands"/>.</param>
/// <param name="StepId">The step it acts on (the current step; for a rehearing answer, the meeting to hold again).</param>
/// <param name="Label">Its name: the step's, or the intervention's.</param>
/// <param name="Roles">The roles that may take it (in the proposal's village).</param>
/// <param name="Inputs">What the command carries.</param>
/// <param name="Hints">What to know before filling it in, in words.</param>
/// <param name="ObjectionId">The objection it concerns.</param>
/// <param name="InterventionId">The intervention it applies.</param>
/// <param name="DemandId">The rehearing demand it answers.</param>
/// <param name="DueAt">The deadline that falls due on it, if any.</param>
/// <param name="AvailableFrom">When it may first be taken (a disclosure's closing); null: now.</param>
/// <param name="AvailableUntil">When it may last be taken (an objection's escalation window); null: no limit.</param>
/// <param name="Meetings">For a meeting: the rules of each kind it may be recorded as.</param>
/// <param name="EntryId">For "record-entry": the entry it records.</param>
public sealed record OpenAction(
    string Action,
    string? StepId,
    LocalizedText Label,
    IReadOnlyList<string> Roles,
    IReadOnlyList<ActionInput> Inputs,
    IReadOnlyList<LocalizedText> Hints,
    string? ObjectionId = null,
    string? InterventionId = null,
    string? DemandId = null,
    DateTimeOffset? DueAt = null,
    DateTimeOffset? AvailableFrom = null,
    DateTimeOffset? AvailableUntil = null,
    IReadOnlyList<MeetingHint>? Meetings = null,
    string? EntryId = null)
{
    /// <summary>The choices of the input at <paramref name="path"/> (empty when it has none).</summary>
    public IReadOnlyList<string> ChoicesOf(string path) => Inputs.FirstOrDefault(i => i.Path == path)?.Choices ?? [];

    /// <summary>True when it may be taken at <paramref name="now"/> (its window is open).</summary>
    public bool IsOpenAt(DateTimeOffset now) => (AvailableFrom is null || now >= AvailableFrom) && (AvailableUntil is null || now < AvailableUntil);
}

/// <summary>
/// What may happen now: one pure function over (definition, profile, state, now) that lists every open action, the one
/// place the procedure's "what next" lives. The service's open tasks, its per-caller action list, its upload pre-check
/// and the pages' forms all come from it; the decider has the last word when a command arrives, and a property test
/// holds the two together (every listed action is accepted for an actor holding its roles; a command not listed is refused).
/// </summary>
public static class OpenActions
{
    /// <summary>Action names (the API's URL segment) and the command each one's body is read as.</summary>
    public static readonly FrozenDictionary<string, Type> Commands = new Dictionary<string, Type>
    {
        ["complete-task"] = typeof(CompleteTask),
        ["record-meeting"] = typeof(RecordMeeting),
        ["review"] = typeof(ReviewStep),
        ["countersign"] = typeof(CountersignDisclosure),
        ["publish"] = typeof(PublishDisclosure),
        ["lodge-objection"] = typeof(LodgeObjection),
        ["answer-objection"] = typeof(AnswerObjection),
        ["escalate-objection"] = typeof(EscalateObjection),
        ["rule-on-objection"] = typeof(RuleOnObjection),
        ["close-disclosure"] = typeof(CloseDisclosure),
        ["report-progress"] = typeof(ReportProgress),
        ["complete-implementation"] = typeof(CompleteImplementation),
        ["intervene"] = typeof(Intervene),
        ["demand-rehearing"] = typeof(DemandRehearing),
        ["answer-rehearing"] = typeof(AnswerRehearing),
        ["raise-concern"] = typeof(RaiseConcern),
        ["attach-document"] = typeof(AttachDocument),
        ["record-entry"] = typeof(RecordEntry),
    }.ToFrozenDictionary(StringComparer.Ordinal);


    /// <summary>Stages of a progress report.</summary>
    public static readonly IReadOnlyList<string> Stages = ["before", "during", "after"];

    private static readonly string[] ReviewDecisions = ["approve", "return", "reject"];
    private static readonly string[] ReasonedDecisions = ["return", "reject"];

    /// <summary>The action name of a command (the inverse of <see cref="Commands"/>), or null for the system's and the start.</summary>
    public static string? ActionOf(WorkflowCommand command) =>
        Commands.FirstOrDefault(p => p.Value == command.GetType()).Key;

    /// <summary>Every action open on the instance at <paramref name="now"/>, whoever may take it.</summary>
    public static IReadOnlyList<OpenAction> List(WorkflowDefinition definition, RuleProfile profile, InstanceState state, DateTimeOffset now)
    {
        var actions = new List<OpenAction>();
        if (state.Status != InstanceStatus.Running || state.Start is not { } start)
        {
            return actions;
        }

        var step = definition.Step(state.CurrentStep!);
        var blocked = state.OpenDemand is not null; // an open rehearing demand holds the step until it is answered
        var due = Deadline(state, step.Id, null);
        switch (step.Kind)
        {
            case StepKind.Task when !blocked:
                // Outcomes that cannot be chosen now are left out, with a line saying why: a window that closed, an
                // entry not yet recorded at this visit.
                var taskHints = new List<LocalizedText>();
                var outcomes = step.Outcomes.Values
                    .Where(o => !(o.Unless == Guards.MandatoryAgenda && MandatoryAgendaMet(profile, start) is not null))
                    .Where(o => o.Within is not { } w || now < profile.PeriodEnd(state.StepEnteredAt, w))
                    .Where(o =>
                    {
                        var missing = o.EntriesRequired.FirstOrDefault(e => state.EntriesThisVisit.GetValueOrDefault(e) == 0);
                        if (missing is not null)
                        {
                            taskHints.Add(Text.Get("HintEntryFirst", step.Entries[missing].Name, o.Label ?? new LocalizedText(o.Name, o.Name)));
                        }

                        return missing is null;
                    })
                    .Select(o => o.Name).Order(StringComparer.Ordinal).ToList();
                var until = step.Outcomes.Values.Where(o => o.Within is not null && outcomes.Contains(o.Name))
                    .Select(o => (DateTimeOffset?)profile.PeriodEnd(state.StepEnteredAt, o.Within!.Value)).Min();
                if (until is { } closes)
                {
                    taskHints.Add(Text.Get("HintWindowCloses", ChinaTime.Display(closes)));
                }

                var reasoned = step.Outcomes.Values.Where(o => o.RequiresReason).Select(o => o.Name).Order(StringComparer.Ordinal).ToList();
                actions.Add(new OpenAction("complete-task", step.Id, step.Name, step.Roles,
                    [new ActionInput("outcome", InputKind.Choice, true, outcomes, [],
                        ChoiceNames: step.Outcomes.Values.Any(o => o.Label is not null) ? [.. outcomes.Select(o => step.Outcomes[o].Label ?? new LocalizedText(o, o))] : null),
                     new ActionInput("note", InputKind.LongText, false, [], reasoned),
                     .. ActionInput.OfForm(step.Form, state.FormValues)],
                    taskHints, DueAt: due));
                // An extension is offered only while its deadline runs (not after it fired, nor on a later visit of the step).
                foreach (var entry in step.Entries.Values.Where(e => e.Extends is null || Decider.DeadlineRunning(definition, state, e.Extends)))
                {
                    actions.Add(new OpenAction("record-entry", step.Id, entry.Name, entry.Roles.Count > 0 ? entry.Roles : step.Roles,
                        [new ActionInput("entry", InputKind.Choice, true, [entry.Id], []), .. ActionInput.OfForm(entry.Form, state.FormValues)],
                        state.EntriesThisVisit.GetValueOrDefault(entry.Id) is > 0 and var n ? [Text.Get("HintEntriesRecorded", n)] : [],
                        DueAt: due, EntryId: entry.Id));
                }

                break;
            case StepKind.Meeting when !blocked:
                var hints = step.MeetingKinds.Select(kind => Hint(profile, state, step, kind, now)).ToList();
                actions.Add(new OpenAction("record-meeting", step.Id, step.Name, step.Roles, MeetingInputs(step, profile, start.Category),
                    [.. hints.Select(h => h.Summary)], DueAt: due, Meetings: hints));
                break;
            case StepKind.Review when !blocked:
                actions.Add(new OpenAction("review", step.Id, step.Name, step.Roles,
                    [new ActionInput("decision", InputKind.Choice, true, ReviewDecisions, []), new ActionInput("reasons", InputKind.LongText, false, [], ReasonedDecisions)],
                    [], DueAt: due));
                break;
            case StepKind.Progress:
                actions.Add(new OpenAction("report-progress", step.Id, step.Name, step.Roles,
                    [new ActionInput("stage", InputKind.Choice, true, Stages, []), ActionInput.Of("summary", InputKind.LongText),
                     ActionInput.Of("costYuan", InputKind.Money, false), ActionInput.Of("disclose", InputKind.Flag, false)], [], DueAt: due));
                if (state.ProgressReports > 0 && !blocked)
                {
                    actions.Add(new OpenAction("complete-implementation", step.Id, step.Name, step.Roles,
                        [ActionInput.Of("summary", InputKind.LongText), ActionInput.Of("totalCostYuan", InputKind.Money)], [], DueAt: due));
                }

                break;
            case StepKind.Disclosure:
                Disclosure(definition, profile, state, step, blocked, now, actions);
                break;
            default:
                break;
        }

        foreach (var intervention in definition.Interventions.Values.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            if (intervention.AllowedAt.Contains(step.Id))
            {
                actions.Add(new OpenAction("intervene", step.Id, intervention.Name, intervention.Roles,
                    [ActionInput.Of("reason", InputKind.LongText)], [], InterventionId: intervention.Id));
            }
        }

        if (definition.Rehearing is { } rehearing)
        {
            if (state.OpenDemand is { } demand)
            {
                actions.Add(new OpenAction("answer-rehearing", demand.TargetStepId, definition.Step(demand.TargetStepId).Name, rehearing.AnswerRoles,
                    [ActionInput.Of("accepted", InputKind.Flag, false), ActionInput.Of("answer", InputKind.LongText)], [],
                    DemandId: demand.DemandId, DueAt: state.Timers.Values.FirstOrDefault(t => t.TimerId == Decider.RehearingTimerPrefix + demand.DemandId)?.DueAt));
            }
            else if (RehearingTargets(definition, state) is { Count: > 0 } targets)
            {
                actions.Add(new OpenAction("demand-rehearing", null, Text.Get("Kind.Meeting"), rehearing.DemandRoles,
                    [new ActionInput("targetStepId", InputKind.Choice, true, targets, []), ActionInput.Of("reasons", InputKind.LongText)], []));
            }
        }

        // Records that do not move the proposal: a concern about any step, a document attached to a step.
        var allSteps = definition.Steps.Select(s => s.Id).ToList();
        if (definition.Concern is { } concern)
        {
            actions.Add(new OpenAction("raise-concern", null, concern.Name, concern.Roles,
                [new ActionInput("stepId", InputKind.Choice, true, allSteps, []), ActionInput.Of("text", InputKind.LongText)], []));
        }

        actions.Add(new OpenAction("attach-document", step.Id, step.Name, definition.VillageRoles,
            [new ActionInput("stepId", InputKind.Choice, true, allSteps, []), ActionInput.Of("sha256", InputKind.Text), ActionInput.Of("fileName", InputKind.Text),
             ActionInput.Of("mediaType", InputKind.Text), ActionInput.Of("sizeBytes", InputKind.Whole), ActionInput.Of("description", InputKind.LongText, false)], []));
        return actions;
    }

    /// <summary>The open actions <paramref name="actor"/> may take (roles held in the village, separation of duties kept).</summary>
    public static IReadOnlyList<OpenAction> For(WorkflowDefinition definition, RuleProfile profile, InstanceState state, Actor actor, DateTimeOffset now) =>
        state.Start is not { } start
            ? []
            : [.. List(definition, profile, state, now).Where(a => Authorization.Allows(profile, actor, a.Roles, start.VillagePath))];

    /// <summary>
    /// The meeting steps a rehearing may be demanded of: passed, and before the current step in the definition's written
    /// order. A meeting the proposal has not yet reached again, after being sent back, cannot be demanded again: that
    /// would jump over the steps in between (the township's review of the revised plan).
    /// </summary>
    public static IReadOnlyList<string> RehearingTargets(WorkflowDefinition definition, InstanceState state) =>
        [.. definition.Steps.TakeWhile(s => s.Id != state.CurrentStep).Where(s => state.PassedMeetings.Contains(s.Id)).Select(s => s.Id)];

    private static void Disclosure(WorkflowDefinition definition, RuleProfile profile, InstanceState state, StepDefinition step, bool blocked, DateTimeOffset now, List<OpenAction> actions)
    {
        var disclosure = state.Disclosure;
        if (disclosure.PublishedAt is null)
        {
            if (profile.Options.DisclosureCountersign && !disclosure.Countersigned)
            {
                actions.Add(new OpenAction("countersign", step.Id, step.Name, step.CountersignRoles,
                    [ActionInput.Of("opinion", InputKind.LongText, false)], []));
            }
            else
            {
                var period = step.Timers.Single(t => t.Kind == TimerKind.MinimumPeriod).Duration.DaysUnder(profile);
                actions.Add(new OpenAction("publish", step.Id, step.Name, step.Roles,
                    [ActionInput.Of("noticeText", InputKind.LongText), ActionInput.Of("channels", InputKind.Choices), ActionInput.Of("periodDays", InputKind.Whole, false)],
                    [Text.Get("HintDisclosurePeriod", period, profile.MinimumDisclosureDays, ChinaTime.Display(ChinaTime.PeriodEnd(now, period)))]));
            }

            return;
        }

        actions.Add(new OpenAction("lodge-objection", step.Id, step.Name, Authorization.ObjectorRoles,
            [ActionInput.Of("objectionId", InputKind.Text), ActionInput.Of("text", InputKind.LongText)], []));
        if (disclosure.OpenObjections == 0 && !blocked)
        {
            var from = disclosure.ClosableFrom!.Value;
            if (EscalationWindowsEnd(profile, disclosure, now) is { } windows && windows > from)
            {
                from = windows;
            }

            actions.Add(new OpenAction("close-disclosure", step.Id, step.Name, step.Roles, [],
                [Text.Get("HintDisclosureCloses", ChinaTime.Display(from))], AvailableFrom: from));
        }

        foreach (var objection in disclosure.Objections.Values.OrderBy(o => o.ObjectionId, StringComparer.Ordinal))
        {
            var objectionDue = Deadline(state, step.Id, objection.ObjectionId);
            switch (objection.Status)
            {
                case ObjectionStatus.Lodged:
                    actions.Add(new OpenAction("answer-objection", step.Id, step.Name, step.AnswerRoles,
                        [ActionInput.Of("answer", InputKind.LongText), new ActionInput("ruling", InputKind.Choice, true, Rulings(step), [])],
                        [], ObjectionId: objection.ObjectionId, DueAt: objectionDue));
                    break;
                case ObjectionStatus.Answered:
                    var until = EscalableUntil(profile, objection, now);
                    actions.Add(new OpenAction("escalate-objection", step.Id, step.Name, Authorization.EscalationRoles(step),
                        [ActionInput.Of("reason", InputKind.LongText)], [Text.Get("HintEscalationWindow", ChinaTime.Display(until))],
                        ObjectionId: objection.ObjectionId, AvailableUntil: until));
                    break;
                case ObjectionStatus.Escalated:
                    actions.Add(new OpenAction("rule-on-objection", step.Id, step.Name, step.RulingRoles,
                        [new ActionInput("ruling", InputKind.Choice, true, Rulings(step), []), ActionInput.Of("reasons", InputKind.LongText)],
                        [], ObjectionId: objection.ObjectionId, DueAt: objectionDue));
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>The instant a dismissed objection can no longer be taken to the township.</summary>
    internal static DateTimeOffset EscalableUntil(RuleProfile profile, ObjectionState objection, DateTimeOffset now) =>
        ChinaTime.PeriodEnd(objection.AnsweredAt ?? now, profile.ObjectionEscalationDays);

    private static List<string> Rulings(StepDefinition step)
    {
        // A ruling may only lead where the step has somewhere to go: "upheld" needs an objectionUpheld outcome.
        var rulings = new List<string> { "dismissed" };
        if (step.Outcomes.ContainsKey("objectionUpheld"))
        {
            rulings.Add("upheld");
        }

        if (step.Outcomes.ContainsKey("terminated"))
        {
            rulings.Add("terminate");
        }

        return rulings;
    }

    private static List<ActionInput> MeetingInputs(StepDefinition step, RuleProfile profile, string category)
    {
        var rules = step.MeetingKinds.Select(k => profile.MeetingRuleFor(k, category)).ToList();
        var reasons = rules.SelectMany(r => r.ExclusionReasons).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var noticeRequired = rules.All(r => r.NoticeDays > 0);
        var attendeeRequired = rules.All(r => r.TownshipAttendeeRequired);
        return
        [
            new ActionInput("record.meetingKind", InputKind.Choice, true, step.MeetingKinds, []),
            ActionInput.Of("record.heldAt", InputKind.DateTime),
            ActionInput.Of("record.noticeGivenAt", InputKind.DateTime, noticeRequired),
            ActionInput.Of("record.members", InputKind.Whole),
            new ActionInput("record.exclusions", InputKind.Exclusions, false, reasons, []),
            ActionInput.Of("record.present", InputKind.Whole),
            ActionInput.Of("record.yes", InputKind.Whole),
            ActionInput.Of("record.no", InputKind.Whole),
            ActionInput.Of("record.abstain", InputKind.Whole),
            ActionInput.Of("record.minutes", InputKind.LongText),
            ActionInput.Of("record.townshipAttendee", InputKind.Text, attendeeRequired),
            ActionInput.Of("record.emergencyReason", InputKind.LongText, false),
            ActionInput.Of("record.implementationDueBy", InputKind.Date, false),
        ];
    }

    private static MeetingHint Hint(RuleProfile profile, InstanceState state, StepDefinition step, string kind, DateTimeOffset now)
    {
        var rule = profile.MeetingRuleFor(kind, state.Start!.Category);
        var today = ChinaTime.DateOf(now);
        var earliest = today.AddDays(rule.NoticeDays);
        var entered = ChinaTime.DateOf(state.StepEnteredAt);
        if (earliest < entered)
        {
            earliest = entered;
        }

        var phrase = (Quorum: MeetingJudge.Phrase(rule.Quorum), Pass: MeetingJudge.Phrase(rule.Pass));
        var baseWord = rule.Pass.Base == CountBase.Due ? Text.Get("HintBaseDue") : Text.Get("HintBasePresent");
        if (state.LastRoster.GetValueOrDefault(kind) is not { } roster)
        {
            return new MeetingHint(kind, rule, earliest, null, null, null, null,
                Text.Get("HintMeetingRule", rule.Name, phrase.Quorum, phrase.Pass, baseWord, rule.NoticeDays, Day(earliest)));
        }

        var quorum = rule.Quorum.MinimumCount(roster.Due);
        int? pass = rule.Pass.Base == CountBase.Due ? rule.Pass.MinimumCount(roster.Due) : null;
        var summary = pass is { } p
            ? Text.Get("HintMeetingNumbersDue", rule.Name, roster.Due, quorum, p, rule.NoticeDays, Day(earliest))
            : Text.Get("HintMeetingNumbersPresent", rule.Name, roster.Due, quorum, phrase.Pass, rule.NoticeDays, Day(earliest));
        return new MeetingHint(kind, rule, earliest, roster.Members, roster.Due, quorum, pass, summary);
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    // The step's own deadlines and those kept running through it from an earlier step (a month from acceptance); the
    // rehearing's answer deadline is the demand's, not the step's.
    private static DateTimeOffset? Deadline(InstanceState state, string stepId, string? objectionId) =>
        state.Timers.Values.Where(t => (t.StepId == stepId || objectionId is null) && t.ObjectionId == objectionId && t.Purpose == TimerPurpose.Deadline
                && !t.TimerId.StartsWith(Decider.RehearingTimerPrefix, StringComparison.Ordinal))
            .Select(t => (DateTimeOffset?)t.DueAt).Min();

    /// <summary>The mandatory-agenda threshold the proposal's recorded backing reaches (it may then not be declined), or null.</summary>
    internal static AgendaThreshold? MandatoryAgendaMet(RuleProfile profile, ProposalStarted start) =>
        start.Backing is { } backing
            ? profile.MandatoryAgenda.FirstOrDefault(a => a.Group == backing.Group && a.AtLeast.CompareWith(backing.Supporters, backing.GroupSize) >= 0)
            : null;

    /// <summary>When the last dismissed objection's escalation window ends (the disclosure stays open until then), or null when none is dismissed.</summary>
    internal static DateTimeOffset? EscalationWindowsEnd(RuleProfile profile, DisclosureState disclosure, DateTimeOffset now) =>
        disclosure.Objections.Values.Where(o => o.Status == ObjectionStatus.Answered)
            .Select(o => (DateTimeOffset?)EscalableUntil(profile, o, now)).Max();
}
