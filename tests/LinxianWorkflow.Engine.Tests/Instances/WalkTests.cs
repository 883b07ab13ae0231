using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

// The whole 四议两公开 workflow, along its ordinary path and through every failure path of domain.md §6.
public class WalkTests
{
    private static string[] Entered(Harness h) => h.All<StepEntered>().Select(e => e.StepId).ToArray();

    [Fact]
    public void The_ordinary_path_runs_from_intake_to_archived()
    {
        var h = new Harness().Start().RunToEnd();
        Assert.Equal(EndResult.Archived, h.State.Result);
        Assert.Equal(
            ["intake", "branch-proposal", "two-committee-deliberation", "township-review", "party-member-review",
             "villager-resolution", "resolution-disclosure", "implementation", "result-disclosure", "archived"],
            Entered(h));
        Assert.Equal(Enumerable.Range(1, h.History.Count), h.History.Select(e => e.Sequence));
        Assert.Empty(h.State.Timers);
    }

    [Fact]
    public void The_Linxian_profile_adds_the_supervision_check()
    {
        var h = new Harness(Repository.LinxianProfile).Start().RunToEnd();
        Assert.Equal(EndResult.Archived, h.State.Result);
        Assert.Contains("supervision-check", Entered(h));
    }

    [Fact]
    public void Where_the_secretary_is_also_chair_Linxian_merges_the_branch_proposal_into_the_joint_meeting()
    {
        var h = new Harness(Repository.LinxianProfile).Start(secretaryIsChair: true);
        h.AdvanceTo("two-committee-deliberation");
        Assert.DoesNotContain("branch-proposal", Entered(h));
        Assert.Equal("mergeBranchProposal", h.Last<StepSkipped>().Option);
    }

    [Fact]
    public void The_default_profile_does_not_merge_even_when_the_secretary_is_chair()
    {
        var h = new Harness().Start(secretaryIsChair: true).AdvanceTo("branch-proposal");
        Assert.Equal("branch-proposal", h.Step);
    }

    [Fact]
    public void The_folded_history_equals_the_state_the_engine_returned()
    {
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        var folded = InstanceState.From(h.History);
        Assert.Equal(h.State.Version, folded.Version);
        Assert.Equal(h.State.CurrentStep, folded.CurrentStep);
        Assert.Equal(h.State.Visit, folded.Visit);
        Assert.Equal(h.State.StepEnteredAt, folded.StepEnteredAt);
        Assert.Equal(h.State.Timers.Keys.Order(), folded.Timers.Keys.Order());
    }

    [Fact]
    public void A_meeting_without_quorum_stays_open_and_the_failed_attempt_stays_in_the_history()
    {
        var h = new Harness().Start().AdvanceTo("villager-resolution");
        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-representatives", 31, 20, 20)));
        Assert.Equal("villager-resolution", h.Step);
        Assert.Equal(MeetingVerdict.NoQuorum, h.Last<MeetingRecorded>().Verdict);

        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-representatives", 31, 21, 16)));
        Assert.Equal("resolution-disclosure", h.Step);
        var attempts = h.All<MeetingRecorded>().Where(m => m.StepId == "villager-resolution").ToList();
        Assert.Equal([MeetingVerdict.NoQuorum, MeetingVerdict.Passed], attempts.Select(m => m.Verdict));
        Assert.Equal([1, 2], attempts.Select(m => m.Attempt));
    }

    [Fact]
    public void A_failed_vote_goes_back_to_revision_which_may_resubmit()
    {
        var h = new Harness().Start().AdvanceTo("party-member-review");
        h.Do(Harness.Secretary, new RecordMeeting("party-member-review", h.Meeting("party-members", 40, 30, 20)));
        Assert.Equal("revision", h.Step);
        h.Do(Harness.Secretary, new CompleteTask("revision", "resubmitted", "方案已按党员意见修改"));
        Assert.Equal("two-committee-deliberation", h.Step);
        h.RunToEnd();
        Assert.Equal(EndResult.Archived, h.State.Result);
    }

    [Fact]
    public void A_failed_vote_may_end_the_matter_with_a_recorded_reason()
    {
        var h = new Harness().Start().AdvanceTo("villager-resolution");
        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-representatives", 31, 25, 15)));
        Assert.Equal("revision", h.Step);
        h.Refuse(Harness.Secretary, new CompleteTask("revision", "abandoned"), "input.required");
        h.Do(Harness.Secretary, new CompleteTask("revision", "abandoned", "村民代表多数不同意，不再提交"));
        Assert.Equal(EndResult.Terminated, h.State.Result);
        Assert.Equal("abandoned", h.Step);
    }

    // Found by the property test: a failed branch vote must not let the plan reach the joint meeting unproposed.
    [Fact]
    public void A_failed_branch_vote_goes_back_to_the_branch_not_on_to_the_joint_meeting()
    {
        var h = new Harness().Start().AdvanceTo("branch-proposal");
        h.Do(Harness.Secretary, new RecordMeeting("branch-proposal", h.Meeting("branch-committee", 7, 7, 3)));
        Assert.Equal("proposal-revision", h.Step);
        h.Do(Harness.Secretary, new CompleteTask("proposal-revision", "resubmitted"));
        Assert.Equal("branch-proposal", h.Step);
        h.RunToEnd();
        Assert.Equal(EndResult.Archived, h.State.Result);
    }

    [Fact]
    public void Two_failed_joint_meetings_go_to_the_township_which_decides()
    {
        var h = new Harness().Start().AdvanceTo("two-committee-deliberation");
        h.Do(Harness.Secretary, new RecordMeeting("two-committee-deliberation", h.Meeting("two-committee", 9, 9, 4)));
        Assert.Equal("revision", h.Step);
        h.Do(Harness.Secretary, new CompleteTask("revision", "resubmitted"));
        h.Do(Harness.Secretary, new RecordMeeting("two-committee-deliberation", h.Meeting("two-committee", 9, 9, 4)));
        Assert.Equal("township-deadlock", h.Step);
        h.Do(Harness.Reviewer, new ReviewStep("township-deadlock", ReviewDecision.Approve, "乡镇党委研究同意"));
        Assert.Equal("party-member-review", h.Step);
    }

    [Fact]
    public void The_township_returns_a_plan_with_reasons()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        h.Refuse(Harness.Reviewer, new ReviewStep("township-review", ReviewDecision.Return), "input.required");
        h.Do(Harness.Reviewer, new ReviewStep("township-review", ReviewDecision.Return, "预算依据不足，请补充"));
        Assert.Equal("revision", h.Step);
        Assert.Equal("预算依据不足，请补充", h.Last<StepReviewed>().Reasons);
    }

    [Fact]
    public void The_township_rejects_a_plan_and_the_matter_ends()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        h.Do(Harness.Reviewer, new ReviewStep("township-review", ReviewDecision.Reject, "违反土地管理规定"));
        Assert.Equal(EndResult.Terminated, h.State.Result);
        Assert.Equal("rejected", h.Step);
    }

    [Fact]
    public void The_supervision_committee_objects_at_its_check()
    {
        var h = new Harness(Repository.LinxianProfile).Start().AdvanceTo("supervision-check");
        h.Refuse(Harness.Supervisor, new CompleteTask("supervision-check", "objected"), "input.required");
        h.Do(Harness.Supervisor, new CompleteTask("supervision-check", "objected", "未征求受影响农户意见"));
        Assert.Equal("revision", h.Step);
    }

    [Fact]
    public void An_objection_upheld_by_the_committee_sends_the_resolution_back_to_a_vote()
    {
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        h.Do(Harness.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        h.Do(Harness.Chair, new PublishDisclosure("resolution-disclosure", "决议内容", ["公开栏"]));
        h.Do(Harness.Villager, new LodgeObjection("resolution-disclosure", "R-001", "表决时三组代表未到会"));
        h.Do(Harness.Chair, new AnswerObjection("resolution-disclosure", "R-001", "经核实属实，重新表决", ObjectionRuling.Upheld));
        Assert.Equal("villager-resolution", h.Step);
        Assert.Empty(h.State.Timers);
    }

    [Fact]
    public void An_unanswered_objection_is_escalated_when_its_ten_days_pass_and_the_township_rules()
    {
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        h.Do(Harness.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        h.Do(Harness.Chair, new PublishDisclosure("resolution-disclosure", "决议内容", ["公开栏"]));
        h.Do(Harness.Villager, new LodgeObjection("resolution-disclosure", "R-002", "补偿标准不公"));
        var deadline = h.State.Timers.Values.Single(t => t.ObjectionId == "R-002" && t.Purpose == TimerPurpose.Deadline);
        Assert.Equal(ChinaTime.PeriodEnd(h.Now, 10), deadline.DueAt);

        h.Now = deadline.DueAt;
        h.Do(Actor.System, new FireTimer(deadline.TimerId));
        var escalated = h.Last<ObjectionEscalated>();
        Assert.True(escalated.ByDeadline);
        var township = h.State.Timers.Values.Single(t => t.ObjectionId == "R-002" && t.Purpose == TimerPurpose.Deadline);
        Assert.Equal(ChinaTime.PeriodEnd(h.Now, 20), township.DueAt);

        h.Now = h.State.Disclosure.ClosableFrom!.Value.AddDays(1);
        h.Refuse(Harness.Chair, new CloseDisclosure("resolution-disclosure"), "disclosure.open-objections");
        h.Do(Harness.Reviewer, new RuleOnObjection("resolution-disclosure", "R-002", ObjectionRuling.Dismissed, "补偿标准符合县定标准"));
        h.Do(Harness.Chair, new CloseDisclosure("resolution-disclosure"));
        Assert.Equal("implementation", h.Step);
    }

    [Fact]
    public void A_dissatisfied_objector_takes_an_answered_objection_to_the_township_which_may_end_the_matter()
    {
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        h.Do(Harness.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        h.Do(Harness.Chair, new PublishDisclosure("resolution-disclosure", "决议内容", ["公开栏"]));
        h.Do(Harness.Villager, new LodgeObjection("resolution-disclosure", "R-003", "占用基本农田"));
        h.Refuse(Harness.Villager, new EscalateObjection("resolution-disclosure", "R-003", "不服"), "objection.status");
        h.Do(Harness.Chair, new AnswerObjection("resolution-disclosure", "R-003", "不占用基本农田", ObjectionRuling.Dismissed));
        h.Do(Harness.Villager, new EscalateObjection("resolution-disclosure", "R-003", "答复与实际不符"));
        h.Do(Harness.Reviewer, new RuleOnObjection("resolution-disclosure", "R-003", ObjectionRuling.Terminate, "经勘查确占基本农田"));
        Assert.Equal("overturned", h.Step);
        Assert.Equal(EndResult.Terminated, h.State.Result);
    }

    [Fact]
    public void An_objection_upheld_at_the_result_disclosure_sends_the_work_back()
    {
        var h = new Harness().Start().AdvanceTo("result-disclosure");
        h.Do(Harness.Supervisor, new CountersignDisclosure("result-disclosure"));
        h.Do(Harness.Chair, new PublishDisclosure("result-disclosure", "结果", ["公开栏"]));
        h.Do(Harness.Villager, new LodgeObjection("result-disclosure", "R-004", "路面宽度不足"));
        h.Refuse(Harness.Chair, new AnswerObjection("result-disclosure", "R-004", "终止", ObjectionRuling.Terminate), "objection.ruling");
        h.Do(Harness.Chair, new AnswerObjection("result-disclosure", "R-004", "返工", ObjectionRuling.Upheld));
        Assert.Equal("implementation", h.Step);
    }

    [Fact]
    public void The_party_branch_withdraws_before_the_villager_resolution_but_not_after()
    {
        var h = new Harness().Start().AdvanceTo("party-member-review");
        h.Refuse(Harness.Secretary, new Intervene("withdraw", ""), "input.required");
        h.Do(Harness.Secretary, new Intervene("withdraw", "上级政策调整"));
        Assert.Equal("withdrawn", h.Step);

        // domain.md §6: at the villager-resolution step, until a passing resolution is recorded.
        var atResolution = new Harness().Start().AdvanceTo("villager-resolution");
        atResolution.Do(Harness.Secretary, new Intervene("withdraw", "村民意见分歧较大，暂缓"));
        Assert.Equal("withdrawn", atResolution.Step);

        var late = new Harness().Start().AdvanceTo("resolution-disclosure");
        Assert.Contains(late.History, e => e.Data is MeetingRecorded { StepId: "villager-resolution", Verdict: MeetingVerdict.Passed });
        late.Refuse(Harness.Secretary, new Intervene("withdraw", "改变主意"), "intervention.not-here");
    }

    [Fact]
    public void The_township_revokes_an_illegal_decision_and_the_history_records_it()
    {
        var h = new Harness().Start().AdvanceTo("implementation");
        h.Refuse(Harness.Secretary, new Intervene("revoke", "违法"), "auth.role");
        h.Do(Harness.Reviewer, new Intervene("revoke", "决议内容违反法律规定"));
        Assert.Equal("revoked", h.Step);
        Assert.Equal("implementation", h.Last<InterventionApplied>().AtStep);
    }

    [Fact]
    public void The_township_orders_a_correction_back_to_revision()
    {
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        h.Do(Harness.Reviewer, new Intervene("order-correction", "决议程序有瑕疵"));
        Assert.Equal("revision", h.Step);
        h.RunToEnd();
        Assert.Equal(EndResult.Archived, h.State.Result);
    }

    [Fact]
    public void The_supervision_committee_demands_a_meeting_be_held_again_and_progress_waits_for_the_answer()
    {
        var h = new Harness().Start().AdvanceTo("villager-resolution");
        h.Refuse(Harness.Supervisor, new DemandRehearing("villager-resolution", "未开会"), "rehearing.target");
        h.Do(Harness.Supervisor, new DemandRehearing("party-member-review", "党员大会未通知流动党员"));
        var timer = h.State.Timers.Keys.Single(k => k.StartsWith("rehearing.", StringComparison.Ordinal));
        Assert.Equal(ChinaTime.PeriodEnd(h.Now, 7), h.State.Timers[timer].DueAt);

        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-representatives", 31, 31, 31)), "rehearing.pending");
        h.Refuse(Harness.Supervisor, new DemandRehearing("party-member-review", "再次要求"), "rehearing.open");
        h.Do(Harness.Secretary, new AnswerRehearing("rehearing-1", true, "同意重新召开党员大会"));
        Assert.Equal("party-member-review", h.Step);
        Assert.DoesNotContain(timer, h.State.Timers.Keys);
        h.RunToEnd();
        Assert.Equal(EndResult.Archived, h.State.Result);
    }

    [Fact]
    public void A_declined_rehearing_demand_is_recorded_and_work_goes_on()
    {
        var h = new Harness().Start().AdvanceTo("villager-resolution");
        h.Do(Harness.Supervisor, new DemandRehearing("two-committee-deliberation", "记录不全"));
        h.Refuse(Harness.Chair, new AnswerRehearing("rehearing-1", false, ""), "input.required");
        h.Do(Harness.Chair, new AnswerRehearing("rehearing-1", false, "记录已补全，会议程序合规"));
        Assert.Equal("villager-resolution", h.Step);
        Assert.False(h.Last<RehearingAnswered>().Accepted);
        h.RunToEnd();
        Assert.Equal(EndResult.Archived, h.State.Result);
    }

    [Fact]
    public void A_matter_backed_by_a_tenth_of_adult_villagers_cannot_be_declined()
    {
        var h = new Harness().Start(backing: new Backing("adult-villagers", 38, 380));
        var violation = h.Refuse(Harness.Secretary, new CompleteTask("intake", "declined", "不予受理"), "intake.mandatory-agenda");
        Assert.Contains("38", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("1/10", violation.Message.Zh, StringComparison.Ordinal);
        h.Do(Harness.Secretary, new CompleteTask("intake", "accepted"));
    }

    [Fact]
    public void A_matter_backed_by_fewer_than_a_tenth_may_be_declined_with_a_reason()
    {
        var h = new Harness().Start(backing: new Backing("adult-villagers", 37, 380));
        h.Do(Harness.Secretary, new CompleteTask("intake", "declined", "不属于村民自治范围"));
        Assert.Equal("declined", h.Step);
    }

    [Fact]
    public void A_fifth_of_representatives_also_forces_the_agenda()
    {
        var h = new Harness().Start(backing: new Backing("representatives", 7, 31));
        h.Refuse(Harness.Secretary, new CompleteTask("intake", "declined", "不予受理"), "intake.mandatory-agenda");
        var fewer = new Harness().Start(backing: new Backing("representatives", 6, 31));
        fewer.Do(Harness.Secretary, new CompleteTask("intake", "declined", "不予受理"));
    }

    [Fact]
    public void Nothing_more_can_be_done_after_the_end()
    {
        var h = new Harness().Start().RunToEnd();
        h.Refuse(Harness.Chair, new CloseDisclosure("result-disclosure"), "instance.ended");
        h.Refuse(Harness.Reviewer, new Intervene("revoke", "x"), "instance.ended");
        Assert.Empty(h.Do(Actor.System, new FireTimer("result-disclosure.9.period")));
    }

    [Fact]
    public void An_instance_stays_on_the_definition_version_it_started_with()
    {
        var h = new Harness().Start();
        Assert.Equal(2, h.Definition.Version);
        var e = Assert.Throws<ArgumentException>(() =>
            WorkflowEngine.Decide(Repository.Catalog.Definitions["siyi-liangkai@1"], h.Profile, h.State, Harness.Secretary, new CompleteTask("intake", "accepted"), h.Now));
        Assert.Contains("siyi-liangkai@2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_proposal_cannot_be_started_twice_or_acted_on_before_it_starts()
    {
        var fresh = new Harness();
        fresh.Refuse(Harness.Secretary, new CompleteTask("intake", "accepted"), "instance.not-started");
        var h = new Harness().Start();
        h.Refuse(Harness.Secretary, new StartProposal("p-2", Harness.Village, "t", "s", "general", 0, "cadre"), "instance.already-started");
    }
}
