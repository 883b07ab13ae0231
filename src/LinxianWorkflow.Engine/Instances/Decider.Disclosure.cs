using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Instances;

// Disclosure steps: countersign, publish, objections and their answers, close.
internal sealed partial class Decider
{
    private RuleViolation? Countersign(StepDefinition step, CountersignDisclosure c)
    {
        var refused = Authorize(step.CountersignRoles)
            ?? (State.Disclosure.Countersigned ? Text.Violation("disclosure.countersigned", "DisclosureAlreadyCountersigned", step.Name) : null)
            ?? (State.Disclosure.PublishedAt is not null ? Text.Violation("disclosure.published", "DisclosureAlreadyPublished", step.Name) : null)
            ?? OptionalNote(c.Opinion);
        if (refused is not null)
        {
            return refused;
        }

        Emit(new DisclosureCountersigned(step.Id, State.Visit, c.Opinion));
        return null;
    }

    private RuleViolation? Publish(StepDefinition step, PublishDisclosure c)
    {
        var refused = Authorize(step.Roles)
            ?? (State.Disclosure.PublishedAt is not null ? Text.Violation("disclosure.published", "DisclosureAlreadyPublished", step.Name) : null)
            ?? (profile.Options.DisclosureCountersign && !State.Disclosure.Countersigned
                ? Text.Violation("disclosure.countersign", "DisclosureCountersign", step.Name)
                : null)
            ?? Required(c.NoticeText, Limits.Document, "noticeText");
        if (refused is not null)
        {
            return refused;
        }

        if (c.Channels.Count is 0 or > Limits.Channels || c.Channels.Any(ch => string.IsNullOrWhiteSpace(ch) || ch.Length > Limits.Name))
        {
            return Text.Violation("disclosure.channels", "DisclosureChannels", Limits.Channels);
        }

        var period = c.PeriodDays ?? step.Timers.Single(t => t.Kind == TimerKind.MinimumPeriod).Duration.DaysUnder(profile);
        if (period < profile.MinimumDisclosureDays || period > 3660)
        {
            return Text.Violation("disclosure.period", "DisclosurePeriod", period, profile.MinimumDisclosureDays);
        }

        Emit(new DisclosurePublished(step.Id, State.Visit, c.NoticeText, c.Channels, period, ChinaTime.PeriodEnd(now, period)));
        Schedule(step, TimerAnchor.Published, null, period);
        return null;
    }

    private RuleViolation? Lodge(StepDefinition step, LodgeObjection c)
    {
        var refused = Authorize(Authorization.ObjectorRoles)
            ?? (State.Disclosure.PublishedAt is null ? Text.Violation("disclosure.not-published", "DisclosureNotPublished", step.Name) : null)
            ?? Required(c.ObjectionId, Limits.Name, "receipt")
            ?? Required(c.Text, Limits.Objection, "objection")
            ?? (c.ContactCommitment is null or { Length: 64 } && (c.ContactCommitment ?? "").All(char.IsAsciiHexDigitLower)
                ? null
                : Text.Violation("objection.contact-commitment", "ObjectionContactCommitment"));
        if (refused is not null)
        {
            return refused;
        }

        if (State.Disclosure.Objections.ContainsKey(c.ObjectionId))
        {
            return Text.Violation("objection.duplicate", "ObjectionDuplicate", c.ObjectionId);
        }

        Emit(new ObjectionLodged(step.Id, State.Visit, c.ObjectionId, c.Text, c.ContactCommitment));
        Schedule(step, TimerAnchor.ObjectionLodged, c.ObjectionId, null);
        return null;
    }

    private RuleViolation? Answer(StepDefinition step, AnswerObjection c)
    {
        var refused = Authorize(step.AnswerRoles)
            ?? ObjectionIn(c.ObjectionId, ObjectionStatus.Lodged, "ObjectionNotAwaitingAnswer")
            ?? Required(c.Answer, Limits.Note, "answer")
            ?? RulingAllowed(step, c.Ruling);
        if (refused is not null)
        {
            return refused;
        }

        Emit(new ObjectionAnswered(step.Id, c.ObjectionId, c.Answer, c.Ruling));
        Dispose(step, c.ObjectionId, c.Ruling);
        return null;
    }

    private RuleViolation? Escalate(StepDefinition step, EscalateObjection c)
    {
        var refused = Authorize(Authorization.EscalationRoles(step))
            ?? ObjectionIn(c.ObjectionId, ObjectionStatus.Answered, "ObjectionNotAnswered")
            ?? Required(c.Reason, Limits.Note, "reason");
        if (refused is not null)
        {
            return refused;
        }

        var until = EscalableUntil(State.Disclosure.Objections[c.ObjectionId]);
        if (now >= until)
        {
            return Text.Violation("objection.escalation-window", "ObjectionEscalationWindow", c.ObjectionId,
                profile.ObjectionEscalationDays, ChinaTime.Display(until));
        }

        EscalateObjection(step, c.ObjectionId, c.Reason, byDeadline: false);
        return null;
    }

    private void EscalateObjection(StepDefinition step, string objectionId, string reason, bool byDeadline)
    {
        Emit(new ObjectionEscalated(step.Id, objectionId, reason, byDeadline));
        CancelObjectionTimers(objectionId);
        Schedule(step, TimerAnchor.ObjectionEscalated, objectionId, null);
    }

    private RuleViolation? RuleOn(StepDefinition step, RuleOnObjection c)
    {
        var refused = Authorize(step.RulingRoles)
            ?? ObjectionIn(c.ObjectionId, ObjectionStatus.Escalated, "ObjectionNotEscalated")
            ?? Required(c.Reasons, Limits.Note, "reason")
            ?? RulingAllowed(step, c.Ruling);
        if (refused is not null)
        {
            return refused;
        }

        Emit(new ObjectionRuled(step.Id, c.ObjectionId, c.Ruling, c.Reasons));
        Dispose(step, c.ObjectionId, c.Ruling);
        return null;
    }

    private void Dispose(StepDefinition step, string objectionId, ObjectionRuling ruling)
    {
        CancelObjectionTimers(objectionId);
        if (ruling == ObjectionRuling.Upheld)
        {
            Leave(step, "objectionUpheld", step.Outcomes["objectionUpheld"].To);
        }
        else if (ruling == ObjectionRuling.Terminate)
        {
            Leave(step, "terminated", step.Outcomes["terminated"].To);
        }
    }

    private void CancelObjectionTimers(string objectionId)
    {
        foreach (var timer in State.Timers.Values.Where(t => t.ObjectionId == objectionId).OrderBy(t => t.TimerId, StringComparer.Ordinal).ToList())
        {
            Emit(new TimerCancelled(timer.TimerId));
        }
    }

    private RuleViolation? ObjectionIn(string objectionId, ObjectionStatus expected, string messageKey)
    {
        if (!State.Disclosure.Objections.TryGetValue(objectionId ?? "", out var objection))
        {
            return Text.Violation("objection.unknown", "ObjectionUnknown", objectionId);
        }

        return objection.Status == expected ? null : Text.Violation("objection.status", messageKey, objectionId);
    }

    private static RuleViolation? RulingAllowed(StepDefinition step, ObjectionRuling ruling) => ruling switch
    {
        ObjectionRuling.Upheld when !step.Outcomes.ContainsKey("objectionUpheld") =>
            Text.Violation("objection.ruling", "ObjectionRulingNotHere", step.Name, Text.Get("Ruling.Upheld")),
        ObjectionRuling.Terminate when !step.Outcomes.ContainsKey("terminated") =>
            Text.Violation("objection.ruling", "ObjectionRulingNotHere", step.Name, Text.Get("Ruling.Terminate")),
        _ => null,
    };

    /// <summary>The instant a dismissed objection can no longer be taken to the township.</summary>
    private DateTimeOffset EscalableUntil(ObjectionState objection) => OpenActions.EscalableUntil(profile, objection, now);

    private RuleViolation? Close(StepDefinition step)
    {
        var refused = Authorize(step.Roles) ?? OpenDemandBlocks();
        if (refused is not null)
        {
            return refused;
        }

        var disclosure = State.Disclosure;
        if (disclosure.PublishedAt is not { } published || disclosure.ClosableFrom is not { } closable)
        {
            return Text.Violation("disclosure.not-published", "DisclosureNotPublished", step.Name);
        }

        if (now < closable)
        {
            return Text.Violation("disclosure.minimum-period", "DisclosureMinimumPeriod", step.Name,
                ChinaTime.Display(published), ChinaTime.Display(closable));
        }

        if (disclosure.OpenObjections is var open and > 0)
        {
            return Text.Violation("disclosure.open-objections", "DisclosureOpenObjections", step.Name, open);
        }

        // A dismissed objection may still go to the township within its window: the disclosure stays open until then,
        // so a committee cannot answer on the last day and close before the objector has read the answer.
        if (OpenActions.EscalationWindowsEnd(profile, disclosure, now) is { } windowEnds && now < windowEnds)
        {
            return Text.Violation("disclosure.escalation-window", "DisclosureEscalationWindow", step.Name, ChinaTime.Display(windowEnds));
        }

        Emit(new DisclosureClosed(step.Id, State.Visit));
        Leave(step, "closed", step.Outcomes["closed"].To);
        return null;
    }
}
