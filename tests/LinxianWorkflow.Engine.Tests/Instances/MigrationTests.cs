using System.Text.Json.Nodes;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Samples;

namespace LinxianWorkflow.Engine.Tests.Instances;

/// <summary>
/// Moving running instances from one version of 四议两公开 to another: an explicit mapping, checked; a dry run that
/// says where the instance lands and which timers go and come; the migration as a record; refusals that leave the
/// instance as it was.
/// </summary>
public sealed class MigrationTests
{
    private static readonly WorkflowDefinition V1 = Repository.Catalog.Definitions["siyi-liangkai@1"];
    private static readonly WorkflowDefinition V2 = Repository.Catalog.Definitions["siyi-liangkai@2"];
    private static readonly RuleProfile P1 = Repository.Catalog.Profile("siyi-liangkai", "default", 1)!;
    private static readonly RuleProfile P2 = Repository.Catalog.Profile("siyi-liangkai", "default", 2)!;
    private static readonly Actor Admin = new("admin", "县管理员", [new RoleGrant(Roles.Administrator, "141124")]);
    private static readonly Dictionary<string, string> NoMapping = [];

    /// <summary>v2 with the branch's step renamed (branch-proposal → branch-deliberation), as a county might publish it.</summary>
    private static readonly WorkflowDefinition Renamed = Compile(
        Repository.ReadWorkflow("siyi-liangkai.v2.workflow.json").Replace("\"branch-proposal\"", "\"branch-deliberation\"", StringComparison.Ordinal), 3);

    [Fact]
    public void The_shipped_second_version_adds_the_2025_matters_and_keeps_every_step()
    {
        Assert.Equal(V1.Steps.Select(s => s.Id), V2.Steps.Select(s => s.Id));
        Assert.Equal("村党组织研究讨论", V2.Step("branch-proposal").Name.Zh);
        Assert.Contains("village-planning", P2.Categories.Keys);
        Assert.Contains("key-assistance", Repository.Catalog.Profile("siyi-liangkai", "linxian", 2)!.Categories.Keys);
        Assert.DoesNotContain("village-planning", P1.Categories.Keys);
    }

    [Fact]
    public void A_dry_run_lands_the_instance_on_its_step_and_rebuilds_its_timers_from_the_step_s_real_entry()
    {
        var h = new Harness(P1, V1).Start();
        var entered = h.State.StepEnteredAt;
        h.Now = h.Now.AddHours(5);
        var plan = Migration.Plan(V1, P1, V2, P2, h.State, NoMapping, Admin, "《村民委员会组织法》2025年修正", h.Now);

        Assert.True(plan.Allowed, string.Join("; ", plan.Problems));
        Assert.Equal(("intake", "intake"), (plan.FromStep, plan.ToStep));
        Assert.Equal(["intake.1.intake-deadline", "intake.1.intake-deadline.reminder"], plan.TimersCancelled.Select(t => t.TimerId));
        var deadline = plan.TimersCreated.Single(t => t.Purpose == TimerPurpose.Deadline);
        var reminder = plan.TimersCreated.Single(t => t.Purpose == TimerPurpose.Reminder);
        Assert.Equal(P2.PeriodEnd(entered, V2.Step("intake").Timers[0].Duration), deadline.DueAt); // anchored where the step began, not now
        Assert.Equal(h.State.Timers["intake.1.intake-deadline"].DueAt, deadline.DueAt);
        Assert.Equal(deadline.DueAt.AddDays(-3), reminder.DueAt); // v2 reminds three days ahead, v1 two

        var migrated = Assert.IsType<InstanceMigrated>(plan.Events[0].Data);
        Assert.Equal((1, 2, 1, 2, "intake"), (migrated.FromVersion, migrated.ToVersion, migrated.FromProfileVersion, migrated.ToProfileVersion, migrated.ToStep));
        Assert.Equal(Roles.Administrator, plan.Events[0].Role);
        Assert.Equal(h.State.Version + 1, plan.Events[0].Sequence);
        Assert.Equal((2, 2, 1), (plan.State.DefinitionVersion, plan.State.ProfileVersion, plan.State.Migrations));
        var replayed = InstanceState.From(h.History.Concat(plan.Events)); // the records replay to the same state
        Assert.Equal((plan.State.Version, plan.State.CurrentStep, plan.State.DefinitionVersion, plan.State.ProfileVersion), (replayed.Version, replayed.CurrentStep, replayed.DefinitionVersion, replayed.ProfileVersion));
        Assert.Equal(plan.State.Timers.Keys.Order(StringComparer.Ordinal), replayed.Timers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, plan.State.Timers.Count);
    }

    [Fact]
    public void A_migrated_instance_runs_on_the_new_version_only_and_reaches_the_archive()
    {
        var h = new Harness(P1, V1).Start().AdvanceTo("township-review");
        var plan = Migration.Plan(V1, P1, V2, P2, h.State, NoMapping, Admin, "新规施行", h.Now);
        Assert.True(plan.Allowed, string.Join("; ", plan.Problems));

        var old = Assert.Throws<ArgumentException>(() =>
            WorkflowEngine.Decide(V1, P1, plan.State, Harness.Reviewer, new ReviewStep("township-review", ReviewDecision.Approve), h.Now));
        Assert.Contains("siyi-liangkai@2", old.Message, StringComparison.Ordinal);

        var state = plan.State;
        var now = h.Now;
        for (var guard = 0; state.Status == InstanceStatus.Running; guard++)
        {
            Assert.True(guard < 60, $"stuck at {state.CurrentStep}");
            var next = SampleDriver.Next(V2, P2, state, Harness.People, now)!.Value;
            now = next.At;
            var decision = WorkflowEngine.Decide(V2, P2, state, next.Actor, next.Command, now);
            Assert.True(decision.Accepted, decision.Violation?.ToString());
            state = decision.State;
        }

        Assert.Equal(EndResult.Archived, state.Result);
    }

    [Fact]
    public void A_renamed_step_needs_its_place_in_the_mapping_for_the_current_step_and_for_the_records()
    {
        // At the branch's meeting: the current step has no place in the renamed version until the mapping gives one.
        var atBranch = new Harness(P1, V1).Start().AdvanceTo("branch-proposal");
        var unmapped = Migration.Plan(V1, P1, Renamed, P2, atBranch.State, NoMapping, Admin, "改名", atBranch.Now);
        Assert.Equal(["migration.current-step"], unmapped.Problems.Select(p => p.Rule));
        Assert.Empty(unmapped.Events);
        Assert.Same(atBranch.State, unmapped.State);

        var wrongKind = Migration.Plan(V1, P1, Renamed, P2, atBranch.State, new Dictionary<string, string> { ["branch-proposal"] = "intake" }, Admin, "改名", atBranch.Now);
        Assert.Equal(["migration.step-kind"], wrongKind.Problems.Select(p => p.Rule));
        Assert.Contains("meeting", wrongKind.Problems[0].Message.En, StringComparison.Ordinal);

        var mapped = Migration.Plan(V1, P1, Renamed, P2, atBranch.State, new Dictionary<string, string> { ["branch-proposal"] = "branch-deliberation" }, Admin, "改名", atBranch.Now);
        Assert.True(mapped.Allowed, string.Join("; ", mapped.Problems));
        Assert.Equal("branch-deliberation", mapped.State.CurrentStep);
        Assert.Equal("branch-deliberation", Assert.IsType<InstanceMigrated>(mapped.Events[0].Data).StepMapping["branch-proposal"]);

        // Past the branch's meeting: its record names the old step, which must have a place too.
        var past = new Harness(P1, V1).Start().AdvanceTo("two-committee-deliberation");
        Assert.Contains("branch-proposal", past.State.PassedMeetings);
        var records = Migration.Plan(V1, P1, Renamed, P2, past.State, NoMapping, Admin, "改名", past.Now);
        Assert.Equal(["migration.record-step"], records.Problems.Select(p => p.Rule));
        var carried = Migration.Plan(V1, P1, Renamed, P2, past.State, new Dictionary<string, string> { ["branch-proposal"] = "branch-deliberation" }, Admin, "改名", past.Now);
        Assert.True(carried.Allowed, string.Join("; ", carried.Problems));
        Assert.Contains("branch-deliberation", carried.State.PassedMeetings);
        Assert.DoesNotContain("branch-proposal", carried.State.PassedMeetings);

        var bogus = Migration.Plan(V1, P1, Renamed, P2, past.State, new Dictionary<string, string> { ["no-such-step"] = "nowhere" }, Admin, "改名", past.Now);
        Assert.Equal(["migration.mapping", "migration.mapping", "migration.record-step"], bogus.Problems.Select(p => p.Rule));
    }

    [Fact]
    public void Ended_instances_disclosures_under_way_the_same_version_and_a_missing_reason_are_refused()
    {
        var ended = new Harness(P1, V1).Start().RunToEnd();
        Assert.Contains("migration.ended", Migration.Plan(V1, P1, V2, P2, ended.State, NoMapping, Admin, "x", ended.Now).Problems.Select(p => p.Rule));

        var publishing = new Harness(P1, V1).Start().AdvanceTo("resolution-disclosure");
        publishing.Do(Harness.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        publishing.Do(Harness.Chair, new PublishDisclosure("resolution-disclosure", "公示：硬化村内主干道", ["公开栏"]));
        Assert.Equal(["migration.disclosure-open"], Migration.Plan(V1, P1, V2, P2, publishing.State, NoMapping, Admin, "x", publishing.Now).Problems.Select(p => p.Rule));

        var running = new Harness(P1, V1).Start();
        Assert.Equal(["migration.same-version"], Migration.Plan(V1, P1, V1, P1, running.State, NoMapping, Admin, "x", running.Now).Problems.Select(p => p.Rule));
        Assert.Equal(["migration.reason"], Migration.Plan(V1, P1, V2, P2, running.State, NoMapping, Admin, "  ", running.Now).Problems.Select(p => p.Rule));
        Assert.Equal(["migration.other-definition"], Migration.Plan(V1, P1, V2, Repository.Catalog.Profile("siyi-liangkai", "linxian", 2)!, running.State, NoMapping, Admin, "x", running.Now).Problems.Select(p => p.Rule));
    }

    [Fact]
    public void A_profile_of_the_same_id_but_another_procedure_is_not_a_migration_target()
    {
        var linxian1 = Repository.Catalog.Profile("siyi-liangkai", "linxian", 1)!;
        var mediationLinxian = Repository.Catalog.Profile("renmin-tiaojie", "linxian", 1)!;
        Assert.Equal(linxian1.Id, mediationLinxian.Id);
        var running = new Harness(linxian1, V1).Start();
        var plan = Migration.Plan(V1, linxian1, V2, mediationLinxian, running.State, NoMapping, Admin, "x", running.Now);
        Assert.Contains("migration.other-definition", plan.Problems.Select(p => p.Rule));
        Assert.Empty(plan.Events);
    }

    [Fact]
    public void A_deadline_already_escalated_on_the_step_is_not_escalated_again()
    {
        var h = new Harness(P1, V1).Start();
        var due = h.State.Timers["intake.1.intake-deadline"].DueAt;
        h.Now = due.AddHours(1);
        h.Do(Actor.System, new FireTimer("intake.1.intake-deadline.reminder"));
        h.Do(Actor.System, new FireTimer("intake.1.intake-deadline"));
        Assert.True(h.State.Overdue);

        var plan = Migration.Plan(V1, P1, V2, P2, h.State, NoMapping, Admin, "新规施行", h.Now);
        Assert.True(plan.Allowed, string.Join("; ", plan.Problems));
        Assert.Empty(plan.TimersCreated); // the step was escalated: no second reminder or escalation, whatever the new deadline
    }

    [Fact]
    public void A_second_migration_makes_new_timer_ids_and_a_merging_mapping_or_a_downgrade_is_refused()
    {
        var h = new Harness(P1, V1).Start().AdvanceTo("two-committee-deliberation");
        var first = Migration.Plan(V1, P1, V2, P2, h.State, NoMapping, Admin, "新规施行", h.Now);
        Assert.True(first.Allowed, string.Join("; ", first.Problems));
        Assert.All(first.TimersCreated, t => Assert.Contains(".m1", t.TimerId, StringComparison.Ordinal));

        var renames = new Dictionary<string, string> { ["branch-proposal"] = "branch-deliberation" };
        var second = Migration.Plan(V2, P2, Renamed, P2, first.State, renames, Admin, "步骤改名", h.Now);
        Assert.True(second.Allowed, string.Join("; ", second.Problems));
        Assert.Equal(first.TimersCreated.Select(t => t.TimerId).Order(StringComparer.Ordinal), second.TimersCancelled.Select(t => t.TimerId));
        Assert.All(second.TimersCreated, t => Assert.Contains(".m2", t.TimerId, StringComparison.Ordinal));
        Assert.Empty(second.TimersCreated.Select(t => t.TimerId).Intersect(first.TimersCreated.Select(t => t.TimerId)));
        Assert.Equal(2, second.State.Migrations);

        // Two steps the records name sent to one: their records would merge.
        var merging = Migration.Plan(V1, P1, V2, P2, h.State, new Dictionary<string, string> { ["branch-proposal"] = "two-committee-deliberation" }, Admin, "合并", h.Now);
        Assert.Equal(["migration.mapping-merge"], merging.Problems.Select(p => p.Rule));
        Assert.Empty(merging.TimersCancelled);

        var back = Migration.Plan(V2, P2, V1, P1, first.State, NoMapping, Admin, "退回", h.Now);
        Assert.Equal(["migration.downgrade"], back.Problems.Select(p => p.Rule));
        Assert.Equal(["migration.reason"], Migration.Plan(V1, P1, V2, P2, h.State, NoMapping, Admin, new string('长', Limits.Note + 1), h.Now).Problems.Select(p => p.Rule));
    }

    private static WorkflowDefinition Compile(string json, int version)
    {
        var node = JsonNode.Parse(json)!;
        node["version"] = version;
        var (definition, errors) = DefinitionCompiler.Compile(node.ToJsonString(), $"v{version}.workflow.json");
        return definition ?? throw new InvalidOperationException(string.Join("\n", errors));
    }
}
