using LinxianWorkflow.Engine.Instances;

namespace LinxianWorkflow.Engine.Tests.Instances;

/// <summary>A supervision member's concern and an attached document: recorded, never moving the proposal, refused with the rule named.</summary>
public class RecordsTests
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public void A_supervision_member_raises_numbered_concerns_on_any_step_without_moving_the_proposal()
    {
        var h = new Harness().Start().AdvanceTo("two-committee-deliberation");
        var first = h.Do(Harness.Supervisor, new RaiseConcern("branch-proposal", "会议记录缺少签名。"));
        var second = h.Do(Harness.Supervisor, new RaiseConcern("villager-resolution", "请提前公布代表名单。"));
        Assert.Equal("concern-1", Assert.IsType<ConcernRaised>(Assert.Single(first).Data).ConcernId);
        Assert.Equal("concern-2", Assert.IsType<ConcernRaised>(Assert.Single(second).Data).ConcernId);
        Assert.Equal("two-committee-deliberation", h.Step);
    }

    [Fact]
    public void Only_the_supervision_committee_raises_concerns_and_the_step_and_text_are_checked()
    {
        var h = new Harness().Start();
        h.Refuse(Harness.Chair, new RaiseConcern("intake", "意见"), "auth.role");
        h.Refuse(Harness.Supervisor, new RaiseConcern("no-such-step", "意见"), "step.unknown");
        h.Refuse(Harness.Supervisor, new RaiseConcern("intake", " "), "input.required");
        h.Refuse(Harness.Supervisor, new RaiseConcern("intake", new string('意', 2001)), "input.too-long");
    }

    [Fact]
    public void A_document_is_attached_by_its_hash_with_its_name_type_and_size()
    {
        var h = new Harness().Start();
        var events = h.Do(Harness.Secretary, new AttachDocument("intake", Hash, "会议记录.pdf", "application/pdf", 123_456, "扫描件"));
        var attached = Assert.IsType<DocumentAttached>(Assert.Single(events).Data);
        Assert.Equal(Hash, attached.Sha256);
        Assert.Equal(123_456, attached.SizeBytes);
        Assert.Equal("intake", h.Step);
    }

    [Theory]
    [InlineData("not-a-hash", "application/pdf", 10L, "attachment.hash")]
    [InlineData(Hash, "application/x-msdownload", 10L, "attachment.type")]
    [InlineData(Hash, "image/png", 0L, "attachment.size")]
    [InlineData(Hash, "image/png", 10L * 1024 * 1024 + 1, "attachment.size")]
    public void A_bad_attachment_is_refused_with_the_rule(string hash, string type, long size, string rule)
    {
        new Harness().Start().Refuse(Harness.Secretary, new AttachDocument("intake", hash, "a.pdf", type, size), rule);
    }

    [Fact]
    public void Township_reviewers_and_other_villages_do_not_attach()
    {
        var h = new Harness().Start();
        h.Refuse(Harness.Reviewer, new AttachDocument("intake", Hash, "a.pdf", "application/pdf", 10), "auth.role");
        h.Refuse(Harness.ForeignSecretary, new AttachDocument("intake", Hash, "a.pdf", "application/pdf", 10), "auth.jurisdiction");
    }
}

/// <summary>A rehearing re-holds a meeting the proposal has already passed on its way here, never one ahead of it.</summary>
public class RehearingOrderTests
{
    [Fact]
    public void After_an_ordered_correction_a_later_meeting_cannot_be_demanded_again_but_an_earlier_one_can()
    {
        // Found by the property test (seed 3KC5JevveMY1): a rehearing of the party members' meeting demanded while the
        // corrected plan was back before the township's review jumped straight to that meeting, past the review.
        var h = new Harness().Start().AdvanceTo("resolution-disclosure");
        h.Do(Harness.Reviewer, new Intervene("order-correction", "代表名单有误，须重新审议。"));
        Assert.Equal("revision", h.Step);

        var refused = h.Refuse(Harness.Supervisor, new DemandRehearing("party-member-review", "要求重开党员大会"), "rehearing.ahead");
        Assert.Contains("党员大会", refused.Message.Zh, StringComparison.Ordinal);
        h.Do(Harness.Supervisor, new DemandRehearing("two-committee-deliberation", "要求重开两委会议"));
    }
}
