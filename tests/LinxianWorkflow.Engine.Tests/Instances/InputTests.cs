using LinxianWorkflow.Engine.Instances;

namespace LinxianWorkflow.Engine.Tests.Instances;

public class InputTests
{
    private static StartProposal Proposal(string title = "修路", string summary = "摘要", string category = "general",
        decimal amount = 1000m, string source = "cadre", Backing? backing = null, string village = Harness.Village) =>
        new("p-1", village, title, summary, category, amount, source, backing);

    [Theory]
    [InlineData("", "input.required")]
    [InlineData("   ", "input.required")]
    public void A_proposal_needs_a_title(string title, string rule)
    {
        new Harness().Refuse(Harness.Secretary, Proposal(title: title), rule);
    }

    [Fact]
    public void An_oversized_title_is_refused_with_the_limit_and_the_length()
    {
        var violation = new Harness().Refuse(Harness.Secretary, Proposal(title: new string('路', 201)), "input.too-long");
        Assert.Contains("200", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("201", violation.Message.Zh, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0.001")]
    [InlineData("1000000000000.01")]
    public void An_amount_must_be_whole_fen_and_not_negative(string amount)
    {
        new Harness().Refuse(Harness.Secretary, Proposal(amount: decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)), "input.amount");
    }

    [Fact]
    public void An_unknown_category_lists_the_ones_there_are()
    {
        var violation = new Harness().Refuse(Harness.Secretary, Proposal(category: "lottery"), "proposal.category");
        Assert.Contains("yishi-yiyi", violation.Message.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_source_is_refused()
    {
        new Harness().Refuse(Harness.Secretary, Proposal(source: "rumour"), "proposal.source");
    }

    [Theory]
    [InlineData("adult-villagers", 40, 30)]
    [InlineData("adult-villagers", -1, 30)]
    [InlineData("adult-villagers", 0, 0)]
    [InlineData("households", 5, 30)]
    public void Impossible_backing_is_refused(string group, int supporters, int size)
    {
        new Harness().Refuse(Harness.Secretary, Proposal(backing: new Backing(group, supporters, size)), "proposal.backing");
    }

    [Fact]
    public void A_secretary_cannot_start_a_proposal_in_another_village()
    {
        new Harness().Refuse(Harness.Secretary, Proposal(village: Harness.OtherVillage), "auth.jurisdiction");
    }

    [Fact]
    public void A_villager_or_reviewer_cannot_register_a_proposal()
    {
        new Harness().Refuse(Harness.Villager, Proposal(), "auth.role");
        new Harness().Refuse(Harness.Auditor, Proposal(), "auth.role");
    }

    [Fact]
    public void Html_and_sql_in_text_are_stored_verbatim()
    {
        const string Title = "<script>alert(1)</script>'; DROP TABLE events; --";
        var h = new Harness();
        h.Do(Harness.Secretary, Proposal(title: Title));
        Assert.Equal(Title, h.Last<ProposalStarted>().Title);
    }

    [Fact]
    public void An_unknown_task_outcome_lists_the_outcomes()
    {
        var h = new Harness().Start();
        var violation = h.Refuse(Harness.Secretary, new CompleteTask("intake", "maybe"), "task.outcome");
        Assert.Contains("accepted", violation.Message.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_intervention_lists_the_interventions()
    {
        var h = new Harness().Start();
        var violation = h.Refuse(Harness.Secretary, new Intervene("cancel", "x"), "intervention.unknown");
        Assert.Contains("withdraw", violation.Message.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_needs_a_report_before_completion_and_a_known_stage()
    {
        var h = new Harness().Start().AdvanceTo("implementation");
        h.Refuse(Harness.Chair, new CompleteImplementation("implementation", "完成", 1000m), "progress.no-report");
        h.Refuse(Harness.Chair, new ReportProgress("implementation", "someday", "进度"), "progress.stage");
        h.Refuse(Harness.Chair, new ReportProgress("implementation", "during", "进度", -5m), "input.amount");
        h.Do(Harness.Chair, new ReportProgress("implementation", "during", "路基完成", 20_000m, true));
        h.Do(Harness.Chair, new CompleteImplementation("implementation", "完成", 47_500.50m));
        Assert.Equal("result-disclosure", h.Step);
    }
}
