using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

public class ImplementationDeadlineTests
{
    private static Harness AtResolution() => new Harness().Start().AdvanceTo("villager-resolution");

    [Fact]
    public void The_date_the_resolution_sets_becomes_the_implementation_steps_deadline_with_a_reminder()
    {
        var h = AtResolution();
        var record = h.Meeting("villager-representatives", 31, 30, 25);
        var dueBy = ChinaTime.DateOf(record.HeldAt).AddDays(60);
        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", record with { ImplementationDueBy = dueBy }));
        h.AdvanceTo("implementation");

        var deadline = h.State.Timers.Values.Single(t => t.StepId == "implementation" && t.Purpose == TimerPurpose.Deadline);
        Assert.Equal(ChinaTime.StartOf(dueBy.AddDays(1)), deadline.DueAt); // the whole due day counts
        Assert.Equal(TimerExpiry.Escalate, deadline.OnExpiry);
        var reminder = h.State.Timers.Values.Single(t => t.StepId == "implementation" && t.Purpose == TimerPurpose.Reminder);
        Assert.Equal(deadline.DueAt.AddDays(-3), reminder.DueAt);

        h.Now = deadline.DueAt;
        h.Do(Actor.System, new FireTimer(deadline.TimerId));
        Assert.True(h.State.Overdue);
        Assert.Equal("implementation", h.Last<DeadlineEscalated>().StepId);
    }

    [Fact]
    public void Finishing_in_time_cancels_the_implementation_deadline()
    {
        var h = AtResolution();
        var record = h.Meeting("villager-representatives", 31, 30, 25);
        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", record with { ImplementationDueBy = ChinaTime.DateOf(record.HeldAt).AddDays(200) }));
        h.AdvanceTo("result-disclosure");

        Assert.DoesNotContain(h.State.Timers.Values, t => t.StepId == "implementation");
        Assert.Contains(h.All<TimerCancelled>(), c => c.TimerId.StartsWith("implementation.", StringComparison.Ordinal) && c.TimerId.EndsWith(".resolution-deadline", StringComparison.Ordinal));
        Assert.DoesNotContain(h.All<DeadlineEscalated>(), e => e.StepId == "implementation");
    }

    [Fact]
    public void Without_a_date_in_the_resolution_implementation_has_no_deadline()
    {
        var h = AtResolution().AdvanceTo("implementation");
        Assert.DoesNotContain(h.State.Timers.Values, t => t.StepId == "implementation");
    }

    [Fact]
    public void A_deadline_on_or_before_the_meeting_day_is_refused()
    {
        var h = AtResolution();
        var record = h.Meeting("villager-representatives", 31, 30, 25);
        var violation = h.Refuse(Harness.Chair,
            new RecordMeeting("villager-resolution", record with { ImplementationDueBy = ChinaTime.DateOf(record.HeldAt) }), "meeting.implementation-date");
        Assert.Contains("须晚于会议日期", violation.Message.Zh, StringComparison.Ordinal);
    }
}
