using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

/// <summary>One instance under test: its definition, profile, state, history and a clock the test moves.</summary>
internal sealed class Harness
{
    public const string Village = "141124/141124100/141124100201";
    public const string OtherVillage = "141124/141124100/141124100202";
    public const string Township = "141124/141124100";
    public const string OtherTownship = "141124/141124101";

    public Harness(RuleProfile? profile = null, WorkflowDefinition? definition = null, DateTimeOffset? start = null)
    {
        Profile = profile ?? Repository.DefaultProfile;
        Definition = definition ?? Repository.Definition;
        Now = start ?? new DateTimeOffset(2026, 12, 1, 9, 0, 0, ChinaTime.Offset);
    }

    public static SampleActors People { get; } = SiyiPeople.For(Village);

    public static Actor Secretary => People.Secretary;

    public static Actor Chair => People.Chair;

    public static Actor Supervisor => People.Supervisor;

    public static Actor Reviewer => People.Reviewer;

    public static Actor Auditor { get; } = new("auditor", "审计员", [new RoleGrant(Roles.CountyAuditor, "141124")]);

    public static Actor ForeignSecretary { get; } = new("secretary-2", "外村书记", [new RoleGrant(SiyiRoles.PartySecretary, OtherVillage)]);

    public static Actor ForeignReviewer { get; } = new("reviewer-2", "外镇审核", [new RoleGrant(SiyiRoles.TownshipReviewer, OtherTownship)]);

    public static Actor Villager { get; } = Actor.Villager("villager-1");

    /// <summary>One person holding both the secretary's and the chair's grant (一肩挑).</summary>
    public static Actor SecretaryChair { get; } = new("secretary-chair", "王书记兼主任",
        [new RoleGrant(SiyiRoles.PartySecretary, Village), new RoleGrant(SiyiRoles.VillageChair, Village)]);

    public WorkflowDefinition Definition { get; }

    public RuleProfile Profile { get; }

    public InstanceState State { get; private set; } = InstanceState.Empty;

    public List<RecordedEvent> History { get; } = [];

    public DateTimeOffset Now { get; set; }

    public string? Step => State.CurrentStep;

    public Decision Try(Actor actor, WorkflowCommand command)
    {
        var decision = WorkflowEngine.Decide(Definition, Profile, State, actor, command, Now);
        if (decision.Accepted)
        {
            History.AddRange(decision.Events);
            State = decision.State;
        }

        return decision;
    }

    public IReadOnlyList<RecordedEvent> Do(Actor actor, WorkflowCommand command)
    {
        var decision = Try(actor, command);
        Assert.True(decision.Accepted, $"{command.GetType().Name} was refused: {decision.Violation}");
        return decision.Events;
    }

    public RuleViolation Refuse(Actor actor, WorkflowCommand command, string rule)
    {
        var before = State;
        var decision = Try(actor, command);
        Assert.False(decision.Accepted, $"{command.GetType().Name} was accepted; expected rule {rule}");
        Assert.Equal(rule, decision.Violation!.Rule);
        Assert.Same(before, State);
        return decision.Violation;
    }

    public Harness Start(string category = "public-welfare", Backing? backing = null, bool secretaryIsChair = false)
    {
        Do(secretaryIsChair ? SecretaryChair : Secretary, new StartProposal("p-1", Village, "硬化村内主干道", "方案摘要", category, 48_000m, "villager-suggestion", backing, secretaryIsChair));
        return this;
    }

    /// <summary>Drives the instance along the ordinary path until it stands at <paramref name="stepId"/>.</summary>
    public Harness AdvanceTo(string stepId)
    {
        for (var guard = 0; Step != stepId; guard++)
        {
            Assert.True(guard < 50, $"never reached {stepId}; stuck at {Step}");
            var next = SampleDriver.Next(Definition, Profile, State, People, Now);
            Assert.True(next.HasValue, $"instance ended at {Step} before reaching {stepId}");
            Now = next.Value.At;
            Do(next.Value.Actor, next.Value.Command);
        }

        return this;
    }

    /// <summary>Drives the instance along the ordinary path to its end.</summary>
    public Harness RunToEnd()
    {
        for (var guard = 0; State.Status == InstanceStatus.Running; guard++)
        {
            Assert.True(guard < 50, $"stuck at {Step}");
            var next = SampleDriver.Next(Definition, Profile, State, People, Now)!.Value;
            Now = next.At;
            Do(next.Actor, next.Command);
        }

        return this;
    }

    public MeetingRecord Meeting(string kind, int members, int present, int yes, IReadOnlyList<Exclusion>? exclusions = null,
        DateTimeOffset? heldAt = null, DateTimeOffset? notice = null, string? attendee = "孙干部", string? emergency = null)
    {
        var rule = Profile.Meetings[kind];
        var held = heldAt ?? (rule.NoticeDays > 0 ? State.StepEnteredAt.AddDays(rule.NoticeDays).AddHours(1) : Now.AddHours(1));
        if (held > Now)
        {
            Now = held;
        }

        return new MeetingRecord(kind, held, notice ?? (rule.NoticeDays > 0 ? State.StepEnteredAt : null), members, exclusions ?? [],
            present, yes, present - yes, 0, "会议记录", attendee, emergency);
    }

    public T Last<T>() where T : WorkflowEvent => History.Select(e => e.Data).OfType<T>().Last();

    public IEnumerable<T> All<T>() where T : WorkflowEvent => History.Select(e => e.Data).OfType<T>();
}
