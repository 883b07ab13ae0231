using LinxianWorkflow.Engine.Instances;

namespace LinxianWorkflow.Engine.Tests.Instances;

// Every acting step × every actor: only the step's roles, in the instance's own jurisdiction, may act.
public class AuthorizationTests
{
    public static TheoryData<string, string> StepsAndActors()
    {
        var data = new TheoryData<string, string>();
        foreach (var step in new[] { "intake", "branch-proposal", "two-committee-deliberation", "township-review", "party-member-review", "villager-resolution", "resolution-disclosure", "implementation", "result-disclosure" })
        {
            foreach (var actor in Actors.Keys)
            {
                data.Add(step, actor);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Actor> Actors = new()
    {
        ["secretary"] = Harness.Secretary,
        ["chair"] = Harness.Chair,
        ["supervisor"] = Harness.Supervisor,
        ["reviewer"] = Harness.Reviewer,
        ["auditor"] = Harness.Auditor,
        ["foreign-secretary"] = Harness.ForeignSecretary,
        ["foreign-reviewer"] = Harness.ForeignReviewer,
        ["villager"] = Harness.Villager,
        ["system"] = Actor.System,
        ["administrator"] = new("admin", "管理员", [new RoleGrant(Roles.Administrator, "141124")]),
        ["county-secretary"] = new("cs", "县里的书记", [new RoleGrant(SiyiRoles.PartySecretary, "141124")]),
    };

    [Theory]
    [MemberData(nameof(StepsAndActors))]
    public void Only_the_steps_roles_in_the_villages_jurisdiction_may_act(string stepId, string actorKey)
    {
        var h = new Harness().Start().AdvanceTo(stepId);
        var step = h.Definition.Step(stepId);
        var actor = Actors[actorKey];
        var (command, roles) = MainCommand(h, step);
        var decision = h.Try(actor, command);

        var holdsRole = actor.Grants.Any(g => roles.Contains(g.Role));
        var inJurisdiction = actor.Grants.Any(g => roles.Contains(g.Role) && g.Covers(Harness.Village));
        if (inJurisdiction)
        {
            Assert.True(decision.Accepted, $"{actorKey} should act at {stepId}: {decision.Violation}");
            Assert.All(decision.Events, e => Assert.Equal(actor.Id, e.ActorId));
        }
        else
        {
            Assert.False(decision.Accepted, $"{actorKey} must not act at {stepId}");
            Assert.Equal(holdsRole ? "auth.jurisdiction" : "auth.role", decision.Violation!.Rule);
            Assert.Equal(stepId, h.Step);
        }
    }

    private static (WorkflowCommand Command, IReadOnlyList<string> Roles) MainCommand(Harness h, Engine.Definitions.StepDefinition step) => step.Id switch
    {
        "resolution-disclosure" or "result-disclosure" => (new CountersignDisclosure(step.Id), step.CountersignRoles),
        "implementation" => (new ReportProgress(step.Id, "during", "进度"), step.Roles),
        "township-review" => (new ReviewStep(step.Id, ReviewDecision.Approve), step.Roles),
        "intake" => (new CompleteTask(step.Id, "accepted"), step.Roles),
        _ => (new RecordMeeting(step.Id, h.Meeting(step.MeetingKinds[0], 31, 31, 31)), step.Roles),
    };

    [Fact]
    public void A_refusal_says_who_may_act_in_Chinese_and_English()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var violation = h.Refuse(Harness.Secretary, new ReviewStep("township-review", ReviewDecision.Approve), "auth.role");
        Assert.Equal("此操作只能由乡镇审核人员办理。", violation.Message.Zh);
        Assert.Equal("Only a township reviewer may do this.", violation.Message.En);
    }

    [Fact]
    public void A_foreign_reviewer_is_told_the_village_is_outside_their_jurisdiction()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var violation = h.Refuse(Harness.ForeignReviewer, new ReviewStep("township-review", ReviewDecision.Approve), "auth.jurisdiction");
        Assert.Contains(Harness.Village, violation.Message.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void An_objection_carries_a_commitment_to_a_contact_never_the_contact_and_a_malformed_one_is_refused()
    {
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        h.Do(Harness.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        h.Do(Harness.Chair, new PublishDisclosure("resolution-disclosure", "决议", ["公开栏"]));
        h.Refuse(Harness.Villager, new LodgeObjection("resolution-disclosure", "R-1", "异议", "13912345678"), "objection.contact-commitment");
        h.Refuse(Harness.Villager, new LodgeObjection("resolution-disclosure", "R-1", "异议", new string('A', 64)), "objection.contact-commitment");
        var commitment = new string('a', 63) + "0";
        var lodged = Assert.IsType<ObjectionLodged>(Assert.Single(h.Do(Harness.Villager, new LodgeObjection("resolution-disclosure", "R-1", "异议", commitment)),
            e => e.Data is ObjectionLodged).Data);
        Assert.Equal(commitment, lodged.ContactCommitment);
        Assert.Null(Assert.IsType<ObjectionLodged>(Assert.Single(h.Do(Harness.Villager, new LodgeObjection("resolution-disclosure", "R-2", "异议")),
            e => e.Data is ObjectionLodged).Data).ContactCommitment);
    }

    [Fact]
    public void Only_villagers_lodge_objections_and_only_the_system_fires_timers()
    {
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        h.Do(Harness.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        h.Do(Harness.Chair, new PublishDisclosure("resolution-disclosure", "决议", ["公开栏"]));
        h.Refuse(Harness.Chair, new LodgeObjection("resolution-disclosure", "R-1", "异议"), "auth.role");
        h.Do(Harness.Villager, new LodgeObjection("resolution-disclosure", "R-1", "异议"));
        var timer = h.State.Timers.Keys.First();
        h.Refuse(Harness.Chair, new FireTimer(timer), "auth.role");
    }

    [Fact]
    public void A_grant_covers_its_area_and_what_lies_inside_on_segment_boundaries_only()
    {
        Assert.True(new RoleGrant(SiyiRoles.TownshipReviewer, "141124/141124100").Covers("141124/141124100/141124100201"));
        Assert.True(new RoleGrant(SiyiRoles.PartySecretary, "141124/141124100/141124100201").Covers("141124/141124100/141124100201"));
        Assert.False(new RoleGrant(SiyiRoles.TownshipReviewer, "141124/14112410").Covers("141124/141124100/141124100201"));
        Assert.False(new RoleGrant(SiyiRoles.PartySecretary, "141124/141124100/141124100201").Covers("141124/141124100/141124100202"));
    }

    [Fact]
    public void Events_record_who_acted_in_which_role_and_on_whose_behalf()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var clerk = new Actor("clerk", "文书", [new RoleGrant(SiyiRoles.TownshipReviewer, Harness.Township)], OnBehalfOf: "reviewer");
        var events = h.Do(clerk, new ReviewStep("township-review", ReviewDecision.Approve));
        Assert.All(events, e =>
        {
            Assert.Equal("clerk", e.ActorId);
            Assert.Equal(SiyiRoles.TownshipReviewer, e.Role);
            Assert.Equal("reviewer", e.OnBehalfOf);
            Assert.Equal(h.Now, e.At);
        });
    }
}
