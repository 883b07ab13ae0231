using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Samples;

/// <summary>The people of one sample village and its township: one per role the definition declares.</summary>
public sealed record SampleActors(IReadOnlyList<Actor> People)
{
    private static readonly string[] Surnames = ["王", "李", "张", "赵", "刘", "陈", "杨", "黄", "周", "吴"];

    /// <summary>
    /// One actor per role of <paramref name="definition"/>, granted over the village at <paramref name="villagePath"/>, its
    /// township or its county as the role's level says; named by the role ("王调委会主任"), with the role's id as user id.
    /// </summary>
    public static SampleActors For(WorkflowDefinition definition, string villagePath)
    {
        var parts = villagePath.Split('/');
        return new SampleActors([.. definition.Roles.Select((role, i) => new Actor(role.Id, Surnames[i % Surnames.Length] + role.Name.Zh,
            [new RoleGrant(role.Id, role.Level switch
            {
                RoleLevel.Village => villagePath,
                RoleLevel.Township => string.Join('/', parts.Take(2)),
                _ => parts[0],
            })]))]);
    }

    /// <summary>Whichever of them holds one of <paramref name="roles"/>.</summary>
    public Actor Holding(IReadOnlyList<string> roles) => People.First(a => a.Grants.Any(g => roles.Contains(g.Role)));
}

/// <summary>
/// Picks the next command that moves an instance forward on the ordinary path: every meeting well
/// attended and carried, every review approved, every disclosure countersigned, posted and closed when
/// its period ends. Used by `linxian walk`, the engine's tests and benchmarks, and demo data.
/// </summary>
public static class SampleDriver
{
    private static readonly string[] SampleParties = ["张甲", "李乙", "王丙", "赵丁"];

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
                // The outcome that follows the main path (else the first that needs no reason), after any entry it needs.
                var main = definition.MainPath.ToList();
                var next = main.IndexOf(step.Id) is var at and >= 0 && at + 1 < main.Count ? main[at + 1] : null;
                var outcome = step.Outcomes.Values.FirstOrDefault(o => o.To == next && !o.RequiresReason)
                    ?? step.Outcomes.Values.OrderBy(o => o.Name, StringComparer.Ordinal).First(o => !o.RequiresReason);
                var actor = people.Holding(step.Roles);
                if (outcome.EntriesRequired.FirstOrDefault(e => state.EntriesThisVisit.GetValueOrDefault(e) == 0) is { } entryId)
                {
                    var entry = step.Entries[entryId];
                    return (entry.Roles.Count > 0 ? people.Holding(entry.Roles) : actor,
                        new RecordEntry(step.Id, entry.Id, SampleForm(entry.Form, null, state, soon)), soon);
                }

                return (actor, new CompleteTask(step.Id, outcome.Name, null, step.Form.Fields.Count == 0 ? null : SampleForm(step.Form, outcome.Name, state, soon)), soon);
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

    /// <summary>
    /// Sample values for a typed form: names that cover what they must (every party), dates of the day, the required
    /// value of a flag, the first option of a choice, the lower bound of a number, a line of text.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SampleForm(FormDefinition form, string? outcome, InstanceState state, DateTimeOffset now)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in form.Fields.Where(f => f.BelongsTo(outcome)))
        {
            values[field.Id] = field.Type switch
            {
                FieldType.Names => field.Covers is { } covers && state.FormValues.TryGetValue(covers, out var names)
                    ? names
                    : string.Join(FormCheck.NameSeparator, SampleParties.Take(Math.Max(2, field.MinCount))),
                FieldType.Date => Time.ChinaTime.DateOf(now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                FieldType.Boolean => field.MustBe is false ? "false" : "true",
                FieldType.Choice => field.Options[0].Id,
                FieldType.Number => (field.Min ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => "示例：" + field.Name.Zh,
            };
        }

        return values;
    }

    /// <summary>
    /// Starts a sample instance and drives it to its end; returns every event and the final state. Without
    /// <paramref name="command"/>, a sample start in the profile's first category from the definition's first source.
    /// </summary>
    public static (List<RecordedEvent> Events, InstanceState State) Walk(
        WorkflowDefinition definition, RuleProfile profile, string proposalId, string villagePath, DateTimeOffset start,
        SampleActors? actors = null, StartProposal? command = null)
    {
        var people = actors ?? SampleActors.For(definition, villagePath);
        var events = new List<RecordedEvent>();
        command ??= new StartProposal(proposalId, villagePath, "示例：" + definition.Name.Zh, "示例事项，用于演示流程的每一步。",
            profile.Categories.Keys.Order(StringComparer.Ordinal).First(), 0m, definition.Sources[0].Id,
            Form: definition.StartForm.Fields.Count == 0 ? null : SampleForm(definition.StartForm, null, InstanceState.Empty, start));
        var decision = WorkflowEngine.Decide(definition, profile, InstanceState.Empty, people.Holding(definition.StartRoles), command, start);
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
