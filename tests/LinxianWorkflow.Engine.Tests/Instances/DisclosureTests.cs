using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

public class DisclosureTests
{
    private const string Step = "resolution-disclosure";

    private static Harness Published(DateTimeOffset? at = null, int? days = null)
    {
        var h = new Harness().Start().AdvanceTo(Step);
        h.Do(Harness.Supervisor, new CountersignDisclosure(Step, "同意"));
        if (at is { } when)
        {
            h.Now = when;
        }

        h.Do(Harness.Chair, new PublishDisclosure(Step, "决议：硬化主干道", ["公开栏", "网上公开"], days));
        return h;
    }

    [Fact]
    public void A_disclosure_cannot_be_posted_before_the_supervision_committee_countersigns()
    {
        var h = new Harness().Start().AdvanceTo(Step);
        h.Refuse(Harness.Chair, new PublishDisclosure(Step, "决议", ["公开栏"]), "disclosure.countersign");
    }

    // Posted on 10 December at any hour: a 7-day period runs 11-17 December; closable from 00:00 on 18 December.
    [Fact]
    public void Closing_is_refused_until_00_00_CST_after_the_last_day_and_the_message_shows_that_instant()
    {
        var h = Published(new DateTimeOffset(2026, 12, 10, 23, 30, 0, ChinaTime.Offset));
        h.Now = new DateTimeOffset(2026, 12, 17, 23, 59, 59, ChinaTime.Offset);
        var violation = h.Refuse(Harness.Chair, new CloseDisclosure(Step), "disclosure.minimum-period");
        Assert.Contains("2026-12-18 00:00 (CST)", violation.Message.Zh, StringComparison.Ordinal);
        h.Now = new DateTimeOffset(2026, 12, 18, 0, 0, 0, ChinaTime.Offset);
        h.Do(Harness.Chair, new CloseDisclosure(Step));
        Assert.Equal("implementation", h.Step);
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(30, true)]
    public void A_disclosure_period_below_the_profiles_minimum_is_refused(int days, bool accepted)
    {
        var h = new Harness().Start().AdvanceTo(Step);
        h.Do(Harness.Supervisor, new CountersignDisclosure(Step));
        var decision = h.Try(Harness.Chair, new PublishDisclosure(Step, "决议", ["公开栏"], days));
        Assert.Equal(accepted, decision.Accepted);
        if (accepted)
        {
            Assert.Equal(days, h.Last<DisclosurePublished>().PeriodDays);
            Assert.Equal(ChinaTime.PeriodEnd(h.Now, days), h.State.Disclosure.ClosableFrom);
        }
        else
        {
            Assert.Equal("disclosure.period", decision.Violation!.Rule);
        }
    }

    [Fact]
    public void A_disclosure_needs_at_least_one_channel_and_text()
    {
        var h = new Harness().Start().AdvanceTo(Step);
        h.Do(Harness.Supervisor, new CountersignDisclosure(Step));
        h.Refuse(Harness.Chair, new PublishDisclosure(Step, "决议", []), "disclosure.channels");
        h.Refuse(Harness.Chair, new PublishDisclosure(Step, "决议", [" "]), "disclosure.channels");
        h.Refuse(Harness.Chair, new PublishDisclosure(Step, "", ["公开栏"]), "input.required");
    }

    [Fact]
    public void Publishing_or_countersigning_twice_is_refused()
    {
        var h = Published();
        h.Refuse(Harness.Chair, new PublishDisclosure(Step, "again", ["公开栏"]), "disclosure.published");
        h.Refuse(Harness.Supervisor, new CountersignDisclosure(Step), "disclosure.countersigned");
    }

    [Fact]
    public void Objections_are_taken_only_while_posted()
    {
        var h = new Harness().Start().AdvanceTo(Step);
        h.Refuse(Harness.Villager, new LodgeObjection(Step, "R-1", "异议"), "disclosure.not-published");
        h.Refuse(Harness.Chair, new CloseDisclosure(Step), "disclosure.not-published");
    }

    [Fact]
    public void A_receipt_number_is_used_once()
    {
        var h = Published();
        h.Do(Harness.Villager, new LodgeObjection(Step, "R-1", "异议"));
        h.Refuse(Harness.Villager, new LodgeObjection(Step, "R-1", "再次"), "objection.duplicate");
    }

    [Fact]
    public void An_objection_text_has_a_size_limit()
    {
        var h = Published();
        h.Refuse(Harness.Villager, new LodgeObjection(Step, "R-1", new string('字', Limits.Objection + 1)), "input.too-long");
        h.Do(Harness.Villager, new LodgeObjection(Step, "R-1", new string('字', Limits.Objection)));
    }

    [Fact]
    public void An_answered_objection_no_longer_blocks_closing()
    {
        var h = Published();
        h.Do(Harness.Villager, new LodgeObjection(Step, "R-1", "异议"));
        h.Now = h.State.Disclosure.ClosableFrom!.Value;
        var violation = h.Refuse(Harness.Chair, new CloseDisclosure(Step), "disclosure.open-objections");
        Assert.Contains("1件", violation.Message.Zh, StringComparison.Ordinal);
        h.Do(Harness.Chair, new AnswerObjection(Step, "R-1", "已解释", ObjectionRuling.Dismissed));
        Assert.DoesNotContain(h.State.Timers.Values, t => t.ObjectionId == "R-1");

        // The objector may still take the answer to the township for the profile's window (5 days after the answer's day).
        var windowEnds = ChinaTime.PeriodEnd(h.Now, h.Profile.ObjectionEscalationDays);
        h.Now = windowEnds.AddMinutes(-1);
        var early = h.Refuse(Harness.Chair, new CloseDisclosure(Step), "disclosure.escalation-window");
        Assert.Contains(ChinaTime.Display(windowEnds), early.Message.Zh, StringComparison.Ordinal);
        h.Now = windowEnds;
        h.Do(Harness.Chair, new CloseDisclosure(Step));
    }

    [Fact]
    public void Answering_an_unknown_or_settled_objection_is_refused()
    {
        var h = Published();
        h.Refuse(Harness.Chair, new AnswerObjection(Step, "R-9", "答复", ObjectionRuling.Dismissed), "objection.unknown");
        h.Do(Harness.Villager, new LodgeObjection(Step, "R-1", "异议"));
        h.Do(Harness.Chair, new AnswerObjection(Step, "R-1", "答复", ObjectionRuling.Dismissed));
        h.Refuse(Harness.Chair, new AnswerObjection(Step, "R-1", "再答复", ObjectionRuling.Dismissed), "objection.status");
        h.Refuse(Harness.Reviewer, new RuleOnObjection(Step, "R-1", ObjectionRuling.Dismissed, "驳回"), "objection.status");
    }

    [Fact]
    public void The_supervision_committee_may_take_an_answered_objection_to_the_township()
    {
        var h = Published();
        h.Do(Harness.Villager, new LodgeObjection(Step, "R-1", "异议"));
        h.Do(Harness.Chair, new AnswerObjection(Step, "R-1", "答复", ObjectionRuling.Dismissed));
        h.Do(Harness.Supervisor, new EscalateObjection(Step, "R-1", "答复不充分"));
        Assert.False(h.Last<ObjectionEscalated>().ByDeadline);
        Assert.Contains(h.State.Timers.Values, t => t.ObjectionId == "R-1" && t.Purpose == TimerPurpose.Deadline);
    }
}
