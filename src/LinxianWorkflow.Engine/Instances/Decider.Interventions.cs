using System.Globalization;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Instances;

// Commands that are not tied to the current step's kind: interventions, rehearing demands, timers.
internal sealed partial class Decider
{
    internal const string RehearingTimerPrefix = "rehearing.";

    private RuleViolation? Intervene(Intervene c)
    {
        if (!definition.Interventions.TryGetValue(c.InterventionId ?? "", out var intervention))
        {
            return Text.Violation("intervention.unknown", "InterventionUnknown", c.InterventionId,
                string.Join(", ", definition.Interventions.Keys.Order()));
        }

        var current = definition.Step(State.CurrentStep!);
        var refused = Authorize(intervention.Roles)
            ?? (intervention.AllowedAt.Contains(current.Id)
                ? null
                : Text.Violation("intervention.not-here", "InterventionNotHere", intervention.Name, current.Name))
            ?? Required(c.Reason, Limits.Note, "reason");
        if (refused is not null)
        {
            return refused;
        }

        Emit(new InterventionApplied(intervention.Id, current.Id, c.Reason));
        Leave(current, intervention.Id, intervention.To);
        return null;
    }

    private RuleViolation? DemandRehearing(DemandRehearing c)
    {
        if (definition.Rehearing is not { } rule)
        {
            return Text.Violation("rehearing.unavailable", "RehearingUnavailable");
        }

        var refused = Authorize(rule.DemandRoles)
            ?? (State.OpenDemand is { } open ? Text.Violation("rehearing.open", "RehearingOpen", StepName(open.TargetStepId)) : null)
            ?? (State.PassedMeetings.Contains(c.TargetStepId ?? "")
                ? null
                : Text.Violation("rehearing.target", "RehearingTarget", StepName(c.TargetStepId ?? "")))
            ?? (OpenActions.RehearingTargets(definition, State).Contains(c.TargetStepId!)
                ? null
                : Text.Violation("rehearing.ahead", "RehearingAhead", StepName(c.TargetStepId!), StepName(State.CurrentStep!)))
            ?? Required(c.Reasons, Limits.Note, "reason");
        if (refused is not null)
        {
            return refused;
        }

        var demandId = "rehearing-" + (State.Demands + 1).ToString(CultureInfo.InvariantCulture);
        Emit(new RehearingDemanded(demandId, c.TargetStepId!, c.Reasons));
        var due = profile.PeriodEnd(now, rule.AnswerDeadline);
        Emit(new TimerScheduled(RehearingTimerPrefix + demandId, State.CurrentStep!, State.Visit, TimerPurpose.Deadline, TimerExpiry.Escalate, due, null));
        return null;
    }

    private RuleViolation? AnswerRehearing(AnswerRehearing c)
    {
        if (definition.Rehearing is not { } rule)
        {
            return Text.Violation("rehearing.unavailable", "RehearingUnavailable");
        }

        if (State.OpenDemand is not { } demand || demand.DemandId != c.DemandId)
        {
            return Text.Violation("rehearing.unknown", "RehearingUnknown", c.DemandId);
        }

        var refused = Authorize(rule.AnswerRoles) ?? Required(c.Answer, Limits.Note, "answer");
        if (refused is not null)
        {
            return refused;
        }

        Emit(new RehearingAnswered(demand.DemandId, c.Accepted, c.Answer));
        if (State.Timers.ContainsKey(RehearingTimerPrefix + demand.DemandId))
        {
            Emit(new TimerCancelled(RehearingTimerPrefix + demand.DemandId));
        }

        if (c.Accepted)
        {
            Leave(definition.Step(State.CurrentStep!), "rehearing", demand.TargetStepId);
        }

        return null;
    }

    private RuleViolation? Fire(FireTimer c)
    {
        var refused = Authorize(Authorization.SystemRoles, State.Start!.VillagePath);
        if (refused is not null)
        {
            return refused;
        }

        // A timer already fired or cancelled (its step left, its objection answered) does nothing:
        // firing is at-least-once, its effect exactly once.
        if (!State.Timers.TryGetValue(c.TimerId ?? "", out var timer))
        {
            return null;
        }

        if (now < timer.DueAt)
        {
            return Text.Violation("timer.not-due", "TimerNotDue", ChinaTime.Display(timer.DueAt));
        }

        Emit(new TimerFired(timer.TimerId, timer.Purpose));
        if (timer.Purpose != TimerPurpose.Deadline)
        {
            return null;
        }

        var step = definition.Step(State.CurrentStep!);
        switch (timer.OnExpiry)
        {
            case TimerExpiry.Escalate:
                Emit(new DeadlineEscalated(step.Id, State.Visit, timer.TimerId));
                break;
            case TimerExpiry.EscalateObjection
                when timer.ObjectionId is { } objectionId
                     && State.Disclosure.Objections.TryGetValue(objectionId, out var objection)
                     && objection.Status == ObjectionStatus.Lodged:
                EscalateObjection(step, objectionId, Text.Get("ObjectionOverdue").Zh, byDeadline: true);
                break;
            default:
                break;
        }

        return null;
    }
}
