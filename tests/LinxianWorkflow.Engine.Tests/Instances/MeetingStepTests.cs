using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

public class MeetingStepTests
{
    private static Harness AtResolution(Engine.Definitions.WorkflowDefinition? d = null, Engine.Rules.RuleProfile? p = null) =>
        new Harness(p, d).Start().AdvanceTo("villager-resolution");

    [Fact]
    public void An_assembly_held_before_ten_days_of_notice_is_refused_with_the_dates()
    {
        var h = AtResolution();
        var notice = h.State.StepEnteredAt;
        var held = ChinaTime.StartOf(ChinaTime.DateOf(notice).AddDays(9)).AddHours(9);
        h.Now = held.AddHours(1);
        var violation = h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution",
            h.Meeting("villager-assembly", 400, 300, 250, heldAt: held, notice: notice)), "meeting.notice-period");
        Assert.Contains("须提前10天通知", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains(ChinaTime.DateOf(notice).AddDays(10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), violation.Message.Zh, StringComparison.Ordinal);

        var onTime = held.AddDays(1);
        h.Now = onTime;
        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-assembly", 400, 300, 250, heldAt: onTime, notice: notice)));
        Assert.Equal("resolution-disclosure", h.Step);
    }

    [Fact]
    public void A_meeting_that_needs_notice_without_one_is_refused()
    {
        var h = AtResolution();
        var record = h.Meeting("villager-representatives", 31, 31, 31) with { NoticeGivenAt = null };
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", record), "meeting.notice-missing");
    }

    [Fact]
    public void Linxian_allows_an_emergency_meeting_before_the_notice_ends_and_flags_it()
    {
        var h = AtResolution(p: Repository.LinxianProfile);
        var early = h.State.StepEnteredAt.AddHours(2);
        h.Now = early;
        var record = h.Meeting("villager-representatives", 31, 31, 31, heldAt: early, notice: h.State.StepEnteredAt);
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", record), "meeting.notice-period");
        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", record with { EmergencyReason = "汛期抢修，须立即决定" }));
        Assert.True(h.Last<MeetingRecorded>().EmergencyNotice);
    }

    [Fact]
    public void The_default_profile_has_no_emergency_exception()
    {
        var h = AtResolution();
        var early = h.State.StepEnteredAt.AddHours(2);
        h.Now = early;
        var record = h.Meeting("villager-representatives", 31, 31, 31, heldAt: early, notice: h.State.StepEnteredAt, emergency: "紧急");
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", record), "meeting.notice-period");
    }

    [Fact]
    public void A_meeting_record_without_the_township_attendee_the_profile_asks_for_is_refused()
    {
        var h = AtResolution();
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-representatives", 31, 31, 31, attendee: " ")), "meeting.township-attendee");
    }

    [Fact]
    public void A_meeting_in_the_future_is_refused()
    {
        var h = AtResolution();
        var record = h.Meeting("villager-representatives", 31, 31, 31);
        h.Now = record.HeldAt.AddMinutes(-1);
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", record), "meeting.future");
    }

    [Fact]
    public void A_meeting_held_before_its_step_began_is_refused()
    {
        var h = AtResolution();
        var record = h.Meeting("villager-representatives", 31, 31, 31) with { HeldAt = h.State.StepEnteredAt.AddMinutes(-1) };
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", record), "meeting.sequence");
    }

    [Fact]
    public void A_meeting_kind_the_step_does_not_take_is_refused()
    {
        var h = AtResolution();
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("party-members", 40, 40, 40)), "meeting.kind");
    }

    [Theory]
    [InlineData(31, 32, 10, "meeting.present")]
    [InlineData(31, -1, 0, "meeting.present")]
    [InlineData(31, 21, 22, "meeting.votes")]
    [InlineData(31, 21, -1, "meeting.votes")]
    [InlineData(0, 0, 0, "meeting.members")]
    [InlineData(-5, 0, 0, "meeting.members")]
    public void Inconsistent_numbers_are_refused(int members, int present, int yes, string rule)
    {
        var h = AtResolution();
        var record = h.Meeting("villager-representatives", members, present, yes) with { No = 0 };
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", record), rule);
    }

    [Fact]
    public void Representatives_cannot_be_excluded_from_those_due()
    {
        var h = AtResolution();
        var record = h.Meeting("villager-representatives", 31, 20, 20, exclusions: [new Exclusion("王五", "abroad")]);
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", record), "meeting.exclusion");
    }

    [Fact]
    public void A_party_member_may_be_excluded_only_for_a_recorded_allowed_reason()
    {
        var h = new Harness().Start().AdvanceTo("party-member-review");
        h.Refuse(Harness.Secretary, new RecordMeeting("party-member-review",
            h.Meeting("party-members", 45, 28, 22, exclusions: [new Exclusion("赵六", "busy")])), "meeting.exclusion");
        h.Refuse(Harness.Secretary, new RecordMeeting("party-member-review",
            h.Meeting("party-members", 45, 28, 22, exclusions: [new Exclusion("", "abroad")])), "input.required");
        h.Do(Harness.Secretary, new RecordMeeting("party-member-review", h.Meeting("party-members", 45, 28, 22,
            exclusions: [new Exclusion("赵六", "abroad"), new Exclusion("钱七", "seriously-ill"), new Exclusion("孙八", "away-over-six-months")])));
        var recorded = h.Last<MeetingRecorded>();
        Assert.Equal(42, recorded.Due);
        Assert.Equal(28, recorded.QuorumRequired);
        Assert.Equal(22, recorded.PassRequired);
        Assert.Equal(MeetingVerdict.Passed, recorded.Verdict);
    }

    [Fact]
    public void The_minutes_are_required()
    {
        var h = AtResolution();
        h.Refuse(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-representatives", 31, 31, 31) with { Minutes = "" }), "input.required");
    }

    [Fact]
    public void A_fund_raising_matter_is_judged_by_its_category_threshold()
    {
        var h = new Harness().Start(category: "yishi-yiyi").AdvanceTo("villager-resolution");
        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-representatives", 31, 30, 19)));
        Assert.Equal(MeetingVerdict.Failed, h.Last<MeetingRecorded>().Verdict);
        Assert.Equal(20, h.Last<MeetingRecorded>().PassRequired);
    }

    [Fact]
    public void A_command_for_another_step_is_refused_as_stale()
    {
        var h = AtResolution();
        var violation = h.Refuse(Harness.Secretary, new RecordMeeting("party-member-review", h.Meeting("party-members", 40, 40, 40)), "step.not-current");
        Assert.Contains("村民会议或村民代表会议决议", violation.Message.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_of_the_wrong_kind_for_the_step_is_refused()
    {
        var h = AtResolution();
        h.Refuse(Harness.Chair, new CompleteTask("villager-resolution", "passed"), "step.wrong-command");
    }
}
