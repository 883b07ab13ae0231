using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Samples;

/// <summary>The people of one sample village and its township, one per role.</summary>
public sealed record SampleActors(Actor Secretary, Actor Chair, Actor Supervisor, Actor Reviewer)
{
    /// <summary>Actors for the village at <paramref name="villagePath"/>, whose township is its parent path.</summary>
    public static SampleActors For(string villagePath)
    {
        var township = villagePath[..villagePath.LastIndexOf('/')];
        return new SampleActors(
            new Actor("secretary", "王书记", [new RoleGrant(Roles.PartySecretary, villagePath)]),
            new Actor("chair", "李主任", [new RoleGrant(Roles.VillageChair, villagePath)]),
            new Actor("supervisor", "张监委", [new RoleGrant(Roles.SupervisionMember, villagePath)]),
            new Actor("reviewer", "赵审核", [new RoleGrant(Roles.TownshipReviewer, township)]));
    }

    /// <summary>Whichever of them holds one of <paramref name="roles"/>.</summary>
    public Actor Holding(IReadOnlyList<string> roles) =>
        new[] { Secretary, Chair, Supervisor, Reviewer }.First(a => a.Grants.Any(g => roles.Contains(g.Role)));
}

/// <summary>
/// Picks the next command that moves an instance forward on the ordinary path: every meeting well
/// attended and carried, every review approved, every disclosure countersigned, posted and closed when
/// its period ends. Used by `linxian walk`, the engine's tests and benchmarks, and demo data.
/// </summary>
public static class SampleDriver
{
    /// <summary>The command a proposal's next move needs and when to send it, or null once the instance has ended.</summary>
    public static (Actor Actor, WorkflowCommand Command, DateTimeOffset At)? Next(
        WorkflowDefinition definition, RuleProfile profile, InstanceState state, SampleActors people, DateTimeOffset now)
    {
        if (state.Status != InstanceStatus.Running)
        {
            return null;
        }

        var step = definition.Step(state.CurrentStep!);
        var soon = now.AddHours(1);
        switch (step.Kind)
        {
            case StepKind.Task:
                var outcome = step.Outcomes.Values.First(o => !o.RequiresReason);
                return (people.Holding(step.Roles), new CompleteTask(step.Id, outcome.Name), soon);
            case StepKind.Review:
                return (people.Holding(step.Roles), new ReviewStep(step.Id, ReviewDecision.Approve, "同意"), soon);
            case StepKind.Meeting:
                var kind = step.MeetingKinds[0];
                var rule = profile.MeetingRuleFor(kind, state.Start!.Category);
                var heldAt = rule.NoticeDays > 0 ? state.StepEnteredAt.AddDays(rule.NoticeDays).AddHours(1) : soon;
                if (heldAt < soon)
                {
                    heldAt = soon;
                }

                var members = kind.StartsWith("villager", StringComparison.Ordinal) ? 31 : 9;
                var record = new MeetingRecord(kind, heldAt, rule.NoticeDays > 0 ? state.StepEnteredAt : null, members, [],
                    members - 1, members - 2, 1, 0, "会议记录：议程、讨论、表决结果。",
                    rule.TownshipAttendeeRequired ? "孙干部" : null);
                return (people.Holding(step.Roles), new RecordMeeting(step.Id, record), heldAt);
            case StepKind.Disclosure:
                var disclosure = state.Disclosure;
                if (profile.Options.DisclosureCountersign && !disclosure.Countersigned)
                {
                    return (people.Holding(step.CountersignRoles), new CountersignDisclosure(step.Id, "同意公开"), soon);
                }

                if (disclosure.PublishedAt is null)
                {
                    return (people.Holding(step.Roles), new PublishDisclosure(step.Id, "公示内容：" + state.Start!.Title, ["公开栏", "网上公开"]), soon);
                }

                var closeAt = disclosure.ClosableFrom!.Value > soon ? disclosure.ClosableFrom.Value : soon;
                return (people.Holding(step.Roles), new CloseDisclosure(step.Id), closeAt);
            case StepKind.Progress:
                if (state.ProgressReports == 0)
                {
                    return (people.Holding(step.Roles), new ReportProgress(step.Id, "after", "工程完工，验收合格。", 48_000m, true), soon.AddDays(30));
                }

                return (people.Holding(step.Roles), new CompleteImplementation(step.Id, "按方案完成。", 48_000m), soon);
            default:
                return null;
        }
    }

    /// <summary>Starts a sample proposal and drives it to its end; returns every event and the final state.</summary>
    public static (List<RecordedEvent> Events, InstanceState State) Walk(
        WorkflowDefinition definition, RuleProfile profile, string proposalId, string villagePath, DateTimeOffset start)
    {
        var people = SampleActors.For(villagePath);
        var events = new List<RecordedEvent>();
        var command = new StartProposal(proposalId, villagePath, "硬化村内主干道800米", "拟使用集体资金硬化村内主干道800米，预算4.8万元。",
            "public-welfare", 48_000m, "villager-suggestion");
        var decision = WorkflowEngine.Decide(definition, profile, InstanceState.Empty, people.Secretary, command, start);
        var now = start;
        while (true)
        {
            if (decision.Violation is { } violation)
            {
                throw new InvalidOperationException($"The sample path was refused: {violation}");
            }

            events.AddRange(decision.Events);
            if (Next(definition, profile, decision.State, people, now) is not { } next)
            {
                return (events, decision.State);
            }

            now = next.At;
            decision = WorkflowEngine.Decide(definition, profile, decision.State, next.Actor, next.Command, now);
        }
    }
}
