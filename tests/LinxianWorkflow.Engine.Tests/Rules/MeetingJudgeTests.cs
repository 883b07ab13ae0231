using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Tests.Rules;

public class MeetingJudgeTests
{
    private static readonly DateTimeOffset Held = new(2026, 12, 10, 9, 0, 0, TimeSpan.FromHours(8));

    private static MeetingRecord Record(string kind, int members, int present, int yes, int excluded = 0) =>
        new(kind, Held, null, members, Enumerable.Range(1, excluded).Select(i => new Exclusion($"党员{i}", "abroad")).ToList(),
            present, yes, present - yes, 0, "minutes");

    private static MeetingRule Rule(string kind, string category = "general") =>
        Repository.DefaultProfile.MeetingRuleFor(kind, category);

    // domain.md §2: with 31 representatives, 2/3 means at least 21 present; a majority of all 31 means at least 16.
    [Theory]
    [InlineData(31, 20, 20, MeetingVerdict.NoQuorum)]
    [InlineData(31, 21, 15, MeetingVerdict.Failed)]
    [InlineData(31, 21, 16, MeetingVerdict.Passed)]
    [InlineData(31, 31, 15, MeetingVerdict.Failed)]
    [InlineData(31, 31, 16, MeetingVerdict.Passed)]
    [InlineData(30, 19, 19, MeetingVerdict.NoQuorum)]
    [InlineData(30, 20, 15, MeetingVerdict.Failed)]
    [InlineData(30, 20, 16, MeetingVerdict.Passed)]
    [InlineData(3, 1, 1, MeetingVerdict.NoQuorum)]
    [InlineData(3, 2, 1, MeetingVerdict.Failed)]
    [InlineData(3, 2, 2, MeetingVerdict.Passed)]
    [InlineData(1, 1, 1, MeetingVerdict.Passed)]
    [InlineData(1, 0, 0, MeetingVerdict.NoQuorum)]
    public void Representatives_meeting_needs_two_thirds_present_and_a_majority_of_all(int members, int present, int yes, MeetingVerdict verdict)
    {
        Assert.Equal(verdict, MeetingJudge.Judge(Rule("villager-representatives"), Record("villager-representatives", members, present, yes)).Verdict);
    }

    // The law counts the representatives' vote against those present; 16 of 21 present passes either way,
    // 11 of 21 passes only when counted against those present.
    [Theory]
    [InlineData(21, 11, CountBase.Present, MeetingVerdict.Passed)]
    [InlineData(21, 11, CountBase.Due, MeetingVerdict.Failed)]
    [InlineData(21, 10, CountBase.Present, MeetingVerdict.Failed)]
    [InlineData(21, 16, CountBase.Due, MeetingVerdict.Passed)]
    [InlineData(22, 11, CountBase.Present, MeetingVerdict.Failed)]
    [InlineData(22, 12, CountBase.Present, MeetingVerdict.Passed)]
    public void The_counting_base_decides_whether_a_vote_carries(int present, int yes, CountBase countBase, MeetingVerdict verdict)
    {
        var rule = Rule("villager-representatives") with { Pass = new Threshold(new Fraction(1, 2), Comparison.MoreThan, countBase) };
        Assert.Equal(verdict, MeetingJudge.Judge(rule, Record("villager-representatives", 31, present, yes)).Verdict);
    }

    [Theory]
    [InlineData(10, 6, 3, MeetingVerdict.Failed)]
    [InlineData(10, 6, 4, MeetingVerdict.Passed)]
    [InlineData(10, 5, 5, MeetingVerdict.NoQuorum)]
    [InlineData(9, 5, 2, MeetingVerdict.Failed)]
    [InlineData(9, 5, 3, MeetingVerdict.Passed)]
    [InlineData(9, 9, 4, MeetingVerdict.Failed)]
    [InlineData(9, 9, 5, MeetingVerdict.Passed)]
    public void Two_committee_meeting_counts_its_vote_against_those_present(int members, int present, int yes, MeetingVerdict verdict)
    {
        Assert.Equal(verdict, MeetingJudge.Judge(Rule("two-committee"), Record("two-committee", members, present, yes)).Verdict);
    }

    // Exactly half is not "more than half": 5 of 10 present is no quorum for the branch committee.
    [Theory]
    [InlineData(10, 5, 5, MeetingVerdict.NoQuorum)]
    [InlineData(10, 6, 5, MeetingVerdict.Failed)]
    [InlineData(10, 6, 6, MeetingVerdict.Passed)]
    [InlineData(7, 4, 4, MeetingVerdict.Passed)]
    [InlineData(7, 3, 3, MeetingVerdict.NoQuorum)]
    public void Branch_committee_needs_more_than_half_of_those_due(int members, int present, int yes, MeetingVerdict verdict)
    {
        Assert.Equal(verdict, MeetingJudge.Judge(Rule("branch-committee"), Record("branch-committee", members, present, yes)).Verdict);
    }

    // Exclusions change "due": 45 members, 3 abroad → 42 due → 28 present needed, 22 yes needed.
    [Theory]
    [InlineData(45, 0, 29, 23, MeetingVerdict.NoQuorum)]
    [InlineData(45, 0, 30, 23, MeetingVerdict.Passed)]
    [InlineData(45, 3, 28, 22, MeetingVerdict.Passed)]
    [InlineData(45, 3, 27, 27, MeetingVerdict.NoQuorum)]
    [InlineData(45, 3, 28, 21, MeetingVerdict.Failed)]
    [InlineData(45, 0, 30, 22, MeetingVerdict.Failed)]
    public void Party_members_meeting_counts_against_members_less_exclusions(int members, int excluded, int present, int yes, MeetingVerdict verdict)
    {
        var judgement = MeetingJudge.Judge(Rule("party-members"), Record("party-members", members, present, yes, excluded));
        Assert.Equal(members - excluded, judgement.Due);
        Assert.Equal(verdict, judgement.Verdict);
    }

    // Assembly of adults: more than half of all adults present; the vote against those present.
    [Theory]
    [InlineData(400, 200, 200, MeetingVerdict.NoQuorum)]
    [InlineData(400, 201, 100, MeetingVerdict.Failed)]
    [InlineData(400, 201, 101, MeetingVerdict.Passed)]
    public void Villager_assembly_needs_more_than_half_of_adults(int adults, int present, int yes, MeetingVerdict verdict)
    {
        Assert.Equal(verdict, MeetingJudge.Judge(Rule("villager-assembly"), Record("villager-assembly", adults, present, yes)).Verdict);
    }

    [Theory]
    [InlineData(120, 79, 79, MeetingVerdict.NoQuorum)]
    [InlineData(120, 80, 41, MeetingVerdict.Passed)]
    [InlineData(120, 80, 40, MeetingVerdict.Failed)]
    public void Household_assembly_needs_two_thirds_of_households(int households, int present, int yes, MeetingVerdict verdict)
    {
        Assert.Equal(verdict, MeetingJudge.Judge(Rule("villager-assembly-households"), Record("villager-assembly-households", households, present, yes)).Verdict);
    }

    // 一事一议: at least 2/3 of those present; 2/3 itself passes.
    [Theory]
    [InlineData(21, 14, MeetingVerdict.Passed)]
    [InlineData(21, 13, MeetingVerdict.Failed)]
    [InlineData(30, 20, MeetingVerdict.Passed)]
    [InlineData(30, 19, MeetingVerdict.Failed)]
    [InlineData(31, 21, MeetingVerdict.Passed)]
    public void Fund_raising_category_needs_two_thirds_of_those_present(int present, int yes, MeetingVerdict verdict)
    {
        Assert.Equal(verdict, MeetingJudge.Judge(Rule("villager-representatives", "yishi-yiyi"), Record("villager-representatives", 31, present, yes)).Verdict);
    }

    [Theory]
    [InlineData(31, 31, 20, MeetingVerdict.Failed)]
    [InlineData(31, 31, 21, MeetingVerdict.Passed)]
    [InlineData(31, 21, 21, MeetingVerdict.Passed)]
    public void Land_contracting_category_needs_two_thirds_of_all_representatives(int members, int present, int yes, MeetingVerdict verdict)
    {
        Assert.Equal(verdict, MeetingJudge.Judge(Rule("villager-representatives", "land-contracting"), Record("villager-representatives", members, present, yes)).Verdict);
    }

    [Fact]
    public void A_meeting_without_quorum_is_explained_with_the_rule_and_the_numbers()
    {
        var rule = Rule("villager-representatives");
        var record = Record("villager-representatives", 31, 20, 20);
        var j = MeetingJudge.Judge(rule, record);
        var text = MeetingJudge.Explain(rule, new MeetingRecorded("s", 1, 1, record, j.Due, j.Verdict, j.QuorumRequired, rule.Pass.Base, j.PassRequired, false));
        Assert.StartsWith("村民代表会议须有三分之二以上组成人员参加：应到31人，实到20人，至少需21人", text.Zh, StringComparison.Ordinal);
        Assert.Contains("at least 2/3", text.En, StringComparison.Ordinal);
        Assert.Contains("31 due, 20 present, at least 21 required", text.En, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_vote_is_explained_against_its_base()
    {
        var rule = Rule("villager-representatives");
        var record = Record("villager-representatives", 31, 25, 15);
        var j = MeetingJudge.Judge(rule, record);
        var text = MeetingJudge.Explain(rule, new MeetingRecorded("s", 1, 1, record, j.Due, j.Verdict, j.QuorumRequired, rule.Pass.Base, j.PassRequired, false));
        Assert.Equal("村民代表会议决议须经应到人员过半数同意：应到31人，同意15人，至少需16人。表决未通过。", text.Zh);
    }

    [Theory]
    [InlineData(2, 3, Comparison.AtLeast, "三分之二以上")]
    [InlineData(1, 2, Comparison.MoreThan, "过半数")]
    [InlineData(1, 2, Comparison.AtLeast, "半数以上")]
    [InlineData(1, 10, Comparison.AtLeast, "十分之一以上")]
    [InlineData(3, 4, Comparison.MoreThan, "超过四分之三")]
    [InlineData(11, 20, Comparison.AtLeast, "二十分之十一以上")]
    public void Thresholds_read_as_legal_phrases(int n, int d, Comparison comparison, string phrase)
    {
        Assert.Equal(phrase, MeetingJudge.Phrase(new Threshold(new Fraction(n, d), comparison, CountBase.Due)).Zh);
    }
}
