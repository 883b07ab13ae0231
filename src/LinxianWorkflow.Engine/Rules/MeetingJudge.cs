using LinxianWorkflow.Engine.Instances;

namespace LinxianWorkflow.Engine.Rules;

/// <summary>The verdict on a meeting and the numbers it rests on.</summary>
/// <param name="Due">应到: members less recorded exclusions.</param>
/// <param name="QuorumRequired">The fewest present that make a quorum.</param>
/// <param name="PassBase">The count the vote is measured against (due or present).</param>
/// <param name="PassRequired">The fewest "yes" votes that carry the motion (0 when there was no quorum).</param>
/// <param name="Verdict">Passed, failed or no quorum.</param>
public readonly record struct Judgement(int Due, int QuorumRequired, int PassBase, int PassRequired, MeetingVerdict Verdict);

/// <summary>Judges meeting records against a profile's rule, and explains the judgement in words.</summary>
public static class MeetingJudge
{
    /// <summary>Judges a (well-formed) record: quorum first, then the vote.</summary>
    public static Judgement Judge(MeetingRule rule, MeetingRecord record)
    {
        var due = record.Members - record.Exclusions.Count;
        var quorumRequired = rule.Quorum.MinimumCount(due);
        if (record.Present < quorumRequired)
        {
            return new Judgement(due, quorumRequired, 0, 0, MeetingVerdict.NoQuorum);
        }

        var passBase = rule.Pass.Base == CountBase.Due ? due : record.Present;
        var passRequired = rule.Pass.MinimumCount(passBase);
        var verdict = record.Yes >= passRequired ? MeetingVerdict.Passed : MeetingVerdict.Failed;
        return new Judgement(due, quorumRequired, passBase, passRequired, verdict);
    }

    /// <summary>The judgement in words, naming the rule and the numbers.</summary>
    public static LocalizedText Explain(MeetingRule rule, MeetingRecorded recorded)
    {
        var record = recorded.Record;
        if (recorded.Verdict == MeetingVerdict.NoQuorum)
        {
            return Text.Get("MeetingNoQuorum", rule.Name, Phrase(rule.Quorum), recorded.Due, record.Present, recorded.QuorumRequired);
        }

        var passBase = recorded.PassBase == CountBase.Due ? recorded.Due : record.Present;
        var key = recorded.Verdict == MeetingVerdict.Passed
            ? (recorded.PassBase == CountBase.Due ? "MeetingPassedDue" : "MeetingPassedPresent")
            : (recorded.PassBase == CountBase.Due ? "MeetingFailedDue" : "MeetingFailedPresent");
        return Text.Get(key, rule.Name, Phrase(rule.Pass), passBase, record.Yes, recorded.PassRequired);
    }

    /// <summary>A threshold as a legal phrase: "三分之二以上" / "at least 2/3", "过半数" / "more than half".</summary>
    public static LocalizedText Phrase(Threshold threshold)
    {
        var f = threshold.Fraction;
        var atLeast = threshold.Comparison == Comparison.AtLeast;
        if (f is { Numerator: 1, Denominator: 2 })
        {
            return atLeast ? new LocalizedText("半数以上", "at least half") : new LocalizedText("过半数", "more than half");
        }

        if (f is { Numerator: 1, Denominator: 1 })
        {
            return new LocalizedText("全体", "all");
        }

        var zh = $"{ChineseNumerals.Of(f.Denominator)}分之{ChineseNumerals.Of(f.Numerator)}";
        return atLeast
            ? new LocalizedText(zh + "以上", $"at least {f}")
            : new LocalizedText("超过" + zh, $"more than {f}");
    }
}

/// <summary>Chinese numerals for the small whole numbers in fractions (1 to 99).</summary>
internal static class ChineseNumerals
{
    private const string Digits = "零一二三四五六七八九";

    public static string Of(int n) => n switch
    {
        < 0 or > 99 => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        < 10 => Digits[n].ToString(),
        10 => "十",
        < 20 => "十" + Digits[n % 10],
        _ => Digits[n / 10] + "十" + (n % 10 == 0 ? "" : Digits[n % 10].ToString()),
    };
}
