using System.Globalization;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Instances;

/// <summary>
/// One decision in progress. Each event it emits is folded into <see cref="State"/> at once, so the
/// rest of the decision sees it; <see cref="WorkflowEngine.Decide"/> discards everything on a violation.
/// </summary>
internal sealed partial class Decider(WorkflowDefinition definition, RuleProfile profile, InstanceState state, Actor actor, DateTimeOffset now)
{

    private string _role = "";

    public List<RecordedEvent> Events { get; } = new(4);

    public InstanceState State { get; private set; } = state;

    public RuleViolation? Run(WorkflowCommand command)
    {
        if (command is StartProposal start)
        {
            return Start(start);
        }

        if (State.Status == InstanceStatus.NotStarted)
        {
            return Text.Violation("instance.not-started", "InstanceNotStarted");
        }

        if (command is FireTimer fire)
        {
            return Fire(fire);
        }

        if (State.Status == InstanceStatus.Ended)
        {
            return Text.Violation("instance.ended", "InstanceEnded", definition.Step(State.CurrentStep!).Name);
        }

        return command switch
        {
            Intervene c => Intervene(c),
            DemandRehearing c => DemandRehearing(c),
            AnswerRehearing c => AnswerRehearing(c),
            RaiseConcern c => RaiseConcern(c),
            AttachDocument c => AttachDocument(c),
            StepCommand c => OnStep(c),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
        };
    }

    private RuleViolation? OnStep(StepCommand command)
    {
        var step = definition.Step(State.CurrentStep!);
        if (command.StepId != step.Id)
        {
            return Text.Violation("step.not-current", "StepNotCurrent", step.Name, StepName(command.StepId));
        }

        return (command, step.Kind) switch
        {
            (CompleteTask c, StepKind.Task) => CompleteTask(step, c),
            (RecordEntry c, StepKind.Task) => RecordEntry(step, c),
            (RecordMeeting c, StepKind.Meeting) => RecordMeeting(step, c),
            (ReviewStep c, StepKind.Review) => Review(step, c),
            (CountersignDisclosure c, StepKind.Disclosure) => Countersign(step, c),
            (PublishDisclosure c, StepKind.Disclosure) => Publish(step, c),
            (LodgeObjection c, StepKind.Disclosure) => Lodge(step, c),
            (AnswerObjection c, StepKind.Disclosure) => Answer(step, c),
            (EscalateObjection c, StepKind.Disclosure) => Escalate(step, c),
            (RuleOnObjection c, StepKind.Disclosure) => RuleOn(step, c),
            (CloseDisclosure c, StepKind.Disclosure) => Close(step),
            (ReportProgress c, StepKind.Progress) => ReportProgress(step, c),
            (CompleteImplementation c, StepKind.Progress) => CompleteImplementation(step, c),
            _ => Text.Violation("step.wrong-command", "StepWrongCommand", step.Name, Text.Get("Kind." + step.Kind)),
        };
    }

    private RuleViolation? Start(StartProposal c)
    {
        if (State.Status != InstanceStatus.NotStarted)
        {
            return Text.Violation("instance.already-started", "InstanceAlreadyStarted", State.Start!.ProposalId);
        }

        if (string.IsNullOrWhiteSpace(c.VillagePath) || string.IsNullOrWhiteSpace(c.ProposalId))
        {
            return Text.Violation("input.required", "InputRequired", Text.Get("Field.village"));
        }

        var denied = Authorize(definition.StartRoles, c.VillagePath);
        if (denied is not null)
        {
            return denied;
        }

        var invalid = Required(c.Title, Limits.Title, "title")
            ?? Required(c.Summary, Limits.Summary, "summary")
            ?? Amount(c.AmountYuan);
        if (invalid is not null)
        {
            return invalid;
        }

        if (!profile.Categories.ContainsKey(c.Category))
        {
            return Text.Violation("proposal.category", "ProposalCategory", c.Category, string.Join(", ", profile.Categories.Keys.Order()));
        }

        if (definition.Sources.All(s => s.Id != c.Source))
        {
            return Text.Violation("proposal.source", "ProposalSource", c.Source, string.Join(", ", definition.Sources.Select(s => s.Id)));
        }

        var (form, badForm) = FormCheck.Check(definition.StartForm, null, c.Form, State.FormValues);
        if (badForm is not null)
        {
            return badForm;
        }

        if (c.Backing is { } backing
            && (backing.GroupSize < 1 || backing.Supporters < 0 || backing.Supporters > backing.GroupSize
                || profile.MandatoryAgenda.All(a => a.Group != backing.Group)))
        {
            return Text.Violation("proposal.backing", "ProposalBacking", backing.Group, backing.Supporters, backing.GroupSize);
        }

        var options = new List<string>(3);
        if (profile.Options.SupervisionCheck)
        {
            options.Add(RuleProfile.OptionSupervisionCheck);
        }

        if (profile.Options.TownshipReview)
        {
            options.Add(RuleProfile.OptionTownshipReview);
        }

        if (profile.Options.AllowMergedBranchProposal && c.SecretaryIsChair)
        {
            // 一肩挑 is a fact about the person, not a client's flag: the one who starts must hold every merged office here.
            if (definition.MergedOfficeRoles.Count == 0 || !definition.MergedOfficeRoles.All(r => Holds(r, c.VillagePath)))
            {
                return Text.Violation("proposal.merged-steps", "ProposalMergedSteps", Authorization.RoleNames(definition.MergedOfficeRoles));
            }

            options.Add(RuleProfile.OptionMergeBranchProposal);
        }

        Emit(new ProposalStarted(c.ProposalId, definition.Id, definition.Version, profile.Id, profile.Version, c.VillagePath,
            c.Title, c.Summary, c.Category, c.AmountYuan, c.Source, c.Backing, options, form!.Count == 0 ? null : form));
        Enter(definition.Start, null, null);
        return null;
    }

    // ---- moving between steps -------------------------------------------------------------------

    // Timers are cancelled in timer-id order: the state's dictionary has no stable order across processes, and the
    // same command must always produce the same records.
    // A deadline declared to keep running through the step the instance moves to (a month counted from acceptance, across
    // informing and sessions) stays.
    private void Leave(StepDefinition from, string via, string to)
    {
        foreach (var timer in State.Timers.Values.Where(t => !t.TimerId.StartsWith(RehearingTimerPrefix, StringComparison.Ordinal)
                     && TimerDefinitionOf(t)?.KeptThrough.Contains(to) != true).OrderBy(t => t.TimerId, StringComparer.Ordinal).ToList())
        {
            Emit(new TimerCancelled(timer.TimerId));
        }

        Enter(to, from.Id, via);
    }

    private void Enter(string target, string? from, string? via)
    {
        for (var hops = 0; hops <= definition.Steps.Count; hops++)
        {
            var step = definition.Step(target);
            if (step.IsSkipped(State.Options))
            {
                Emit(new StepSkipped(step.Id, step.OnlyIf ?? step.SkipIf!));
                target = step.SkipTo!;
                continue;
            }

            Emit(new StepEntered(step.Id, State.Visit + 1, from, via));
            if (step.Kind == StepKind.End)
            {
                foreach (var timer in State.Timers.Values.OrderBy(t => t.TimerId, StringComparer.Ordinal).ToList())
                {
                    Emit(new TimerCancelled(timer.TimerId));
                }

                Emit(new InstanceEnded(step.Id, step.Result!.Value));
            }
            else
            {
                Schedule(step, TimerAnchor.StepEntered, null, null);
                ScheduleImplementationDeadline(step);
            }

            return;
        }

        throw new InvalidOperationException($"{definition.Key}: skipped steps loop from '{target}'.");
    }

    // The resolution's own date for carrying the matter out: the implementation step is overdue after it
    // (escalated to the township), with a reminder three days before.
    private void ScheduleImplementationDeadline(StepDefinition step)
    {
        if (step.Kind != StepKind.Progress || State.ImplementationDueBy is not { } dueBy)
        {
            return;
        }

        var due = ChinaTime.StartOf(dueBy.AddDays(1));
        var id = $"{step.Id}.{State.Visit}.resolution-deadline";
        if (due.AddDays(-3) > now)
        {
            Emit(new TimerScheduled(id + ".reminder", step.Id, State.Visit, TimerPurpose.Reminder, TimerExpiry.None, due.AddDays(-3), null));
        }

        Emit(new TimerScheduled(id, step.Id, State.Visit, TimerPurpose.Deadline, TimerExpiry.Escalate, due, null));
    }

    private void Schedule(StepDefinition step, TimerAnchor anchor, string? objectionId, int? periodDays)
    {
        foreach (var timer in step.Timers)
        {
            if (timer.Anchor != anchor)
            {
                continue;
            }

            var fixedPeriod = timer.Kind == TimerKind.MinimumPeriod && periodDays is not null;
            var due = fixedPeriod ? ChinaTime.PeriodEnd(now, periodDays!.Value) : profile.PeriodEnd(now, timer.Duration);
            var provisional = !fixedPeriod && profile.IsProvisional(now, timer.Duration);
            var id = objectionId is null
                ? $"{step.Id}.{State.Visit}.{timer.Id}"
                : $"{step.Id}.{State.Visit}.{timer.Id}.{objectionId}";
            if (timer.ReminderBefore is { } reminder && due.AddDays(-reminder.Days) > now)
            {
                Emit(new TimerScheduled(id + ".reminder", step.Id, State.Visit, TimerPurpose.Reminder, TimerExpiry.None, due.AddDays(-reminder.Days), objectionId, provisional));
            }

            var purpose = timer.Kind == TimerKind.MinimumPeriod ? TimerPurpose.PeriodEnd : TimerPurpose.Deadline;
            Emit(new TimerScheduled(id, step.Id, State.Visit, purpose, timer.OnExpiry, due, objectionId, provisional));
        }
    }

    private void Emit(WorkflowEvent e)
    {
        Events.Add(new RecordedEvent(State.Version + 1, now, actor.Id, actor.Name, _role, actor.OnBehalfOf, e));
        State = State.Apply(e, now);
    }

    // ---- checks shared by every command -------------------------------------------------------

    private RuleViolation? Authorize(IReadOnlyList<string> allowed, string? villagePath = null)
    {
        var (role, violation) = Authorization.Resolve(profile, actor, allowed, villagePath ?? State.Start!.VillagePath);
        _role = role ?? _role;
        return violation;
    }

    /// <summary>True when the actor holds <paramref name="role"/> over the village itself or an area containing it.</summary>
    private bool Holds(string role, string villagePath) => actor.Grants.Any(g => g.Role == role && g.Covers(villagePath));

    private RuleViolation? OpenDemandBlocks() =>
        State.OpenDemand is { } demand
            ? Text.Violation("rehearing.pending", "RehearingPending", StepName(demand.TargetStepId))
            : null;

    private static RuleViolation? Required(string? value, int max, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Text.Violation("input.required", "InputRequired", Text.Get("Field." + field));
        }

        return value.Length > max
            ? Text.Violation("input.too-long", "InputTooLong", Text.Get("Field." + field), max, value.Length)
            : null;
    }

    private static RuleViolation? Amount(decimal yuan) =>
        yuan < 0 || yuan > Limits.MaxYuan || decimal.Round(yuan, 2) != yuan
            ? Text.Violation("input.amount", "InputAmount", yuan.ToString(CultureInfo.InvariantCulture))
            : null;

    private LocalizedText StepName(string id) =>
        definition.StepsById.TryGetValue(id, out var step) ? step.Name : new LocalizedText(id, id);

    private static LocalizedText RoleName(string role) => Authorization.RoleName(role);
}
