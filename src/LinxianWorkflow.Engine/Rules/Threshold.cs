namespace LinxianWorkflow.Engine.Rules;

/// <summary>How a count is compared with a fraction of its base (民法典 art. 1259).</summary>
public enum Comparison
{
    /// <summary>"以上": the count may equal the fraction (≥).</summary>
    AtLeast,

    /// <summary>"超过", "过半数": the count must exceed the fraction (&gt;).</summary>
    MoreThan,
}

/// <summary>What a vote or attendance is counted against.</summary>
public enum CountBase
{
    /// <summary>应到: the members due to attend, after recorded exclusions.</summary>
    Due,

    /// <summary>实到: the members present.</summary>
    Present,
}

/// <summary>A threshold such as "三分之二以上 of those due": a fraction, a comparison and a counting base.</summary>
public sealed record Threshold(Fraction Fraction, Comparison Comparison, CountBase Base)
{
    /// <summary>True when <paramref name="count"/> out of <paramref name="baseCount"/> meets the threshold.</summary>
    public bool IsMet(int count, int baseCount)
    {
        var sign = Fraction.CompareWith(count, baseCount);
        return Comparison == Comparison.AtLeast ? sign >= 0 : sign > 0;
    }

    /// <summary>The smallest count that meets the threshold for <paramref name="baseCount"/>.</summary>
    public int MinimumCount(int baseCount)
    {
        long product = (long)Fraction.Numerator * baseCount;
        long quotient = product / Fraction.Denominator;
        bool exact = product % Fraction.Denominator == 0;
        long minimum = Comparison == Comparison.AtLeast
            ? (exact ? quotient : quotient + 1)
            : quotient + 1;
        return (int)minimum;
    }
}
