using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

public class TimerTests
{
    [Fact]
    public void Entering_a_review_sets_its_deadline_and_a_reminder_before_it()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var timers = h.State.Timers.Values.OrderBy(t => t.DueAt).ToList();
        Assert.Equal(2, timers.Count);
        Assert.Equal(TimerPurpose.Reminder, timers[0].Purpose);
        Assert.Equal(TimerPurpose.Deadline, timers[1].Purpose);
        Assert.Equal(ChinaTime.PeriodEnd(h.State.StepEnteredAt, 10), timers[1].DueAt);
        Assert.Equal(timers[1].DueAt.AddDays(-2), timers[0].DueAt);
    }

    [Fact]
    public void A_missed_deadline_escalates_the_step_once_however_often_it_fires()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var deadline = h.State.Timers.Values.Single(t => t.Purpose == TimerPurpose.Deadline);
        h.Now = deadline.DueAt;
        var first = h.Do(Actor.System, new FireTimer(deadline.TimerId));
        Assert.Contains(first, e => e.Data is DeadlineEscalated);
        Assert.True(h.State.Overdue);
        Assert.Empty(h.Do(Actor.System, new FireTimer(deadline.TimerId)));
        Assert.Single(h.All<DeadlineEscalated>());
    }

    [Fact]
    public void A_timer_fired_before_it_is_due_is_refused_with_its_due_instant()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var deadline = h.State.Timers.Values.Single(t => t.Purpose == TimerPurpose.Deadline);
        h.Now = deadline.DueAt.AddSeconds(-1);
        var violation = h.Refuse(Actor.System, new FireTimer(deadline.TimerId), "timer.not-due");
        Assert.Contains(ChinaTime.Display(deadline.DueAt), violation.Message.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timer_of_a_step_already_left_does_nothing()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var deadline = h.State.Timers.Values.Single(t => t.Purpose == TimerPurpose.Deadline);
        h.Do(Harness.Reviewer, new ReviewStep("township-review", ReviewDecision.Approve));
        Assert.Contains(h.All<TimerCancelled>(), c => c.TimerId == deadline.TimerId);
        h.Now = deadline.DueAt.AddDays(1);
        Assert.Empty(h.Do(Actor.System, new FireTimer(deadline.TimerId)));
        Assert.False(h.State.Overdue);
    }

    [Fact]
    public void A_re_entered_step_gets_new_timers_and_the_old_ones_stay_dead()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var first = h.State.Timers.Keys.ToHashSet();
        h.Do(Harness.Reviewer, new ReviewStep("township-review", ReviewDecision.Return, "补充材料"));
        h.AdvanceTo("township-review");
        Assert.Empty(first.Intersect(h.State.Timers.Keys));
        Assert.Equal(2, h.State.Timers.Count);
    }

    [Fact]
    public void A_reminder_fires_without_escalating()
    {
        var h = new Harness().Start().AdvanceTo("township-review");
        var reminder = h.State.Timers.Values.Single(t => t.Purpose == TimerPurpose.Reminder);
        h.Now = reminder.DueAt;
        var events = h.Do(Actor.System, new FireTimer(reminder.TimerId));
        Assert.Equal([typeof(TimerFired)], events.Select(e => e.Data.GetType()));
        Assert.False(h.State.Overdue);
        Assert.Equal("system", events[0].ActorId);
    }

    [Fact]
    public void The_minimum_period_timer_falls_due_when_closing_becomes_possible()
    {
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        h.Do(Harness.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        h.Do(Harness.Chair, new PublishDisclosure("resolution-disclosure", "决议", ["公开栏"]));
        var period = h.State.Timers.Values.Single(t => t.Purpose == TimerPurpose.PeriodEnd);
        Assert.Equal(h.State.Disclosure.ClosableFrom, period.DueAt);
    }

    [Fact]
    public void An_unknown_timer_id_does_nothing()
    {
        var h = new Harness().Start();
        Assert.Empty(h.Do(Actor.System, new FireTimer("no-such-timer")));
    }

    [Fact]
    public void An_unanswered_rehearing_demand_escalates_after_a_week()
    {
        var h = new Harness().Start().AdvanceTo("villager-resolution");
        h.Do(Harness.Supervisor, new DemandRehearing("party-member-review", "程序不全"));
        var timer = h.State.Timers.Values.Single(t => t.TimerId.StartsWith("rehearing.", StringComparison.Ordinal));
        h.Now = timer.DueAt;
        h.Do(Actor.System, new FireTimer(timer.TimerId));
        Assert.True(h.State.Overdue);
    }
}
