using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Tests.Rules;

public class ThresholdTests
{
    private static Threshold AtLeast(int n, int d) => new(new Fraction(n, d), Comparison.AtLeast, CountBase.Due);

    private static Threshold MoreThan(int n, int d) => new(new Fraction(n, d), Comparison.MoreThan, CountBase.Due);

    // 三分之二以上 includes two-thirds itself (民法典 art. 1259): with 31, 20.67 rounds up to 21.
    [Theory]
    [InlineData(31, 21)]
    [InlineData(30, 20)]
    [InlineData(3, 2)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 3)]
    [InlineData(99, 66)]
    [InlineData(100, 67)]
    [InlineData(0, 0)]
    public void Two_thirds_or_more_needs_the_rounded_up_two_thirds(int total, int minimum)
    {
        Assert.Equal(minimum, AtLeast(2, 3).MinimumCount(total));
    }

    // 过半数 excludes exactly half: with 31, 16; with 30, 16 (15 is exactly half).
    [Theory]
    [InlineData(31, 16)]
    [InlineData(30, 16)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(101, 51)]
    [InlineData(0, 1)]
    public void More_than_half_excludes_exactly_half(int total, int minimum)
    {
        Assert.Equal(minimum, MoreThan(1, 2).MinimumCount(total));
    }

    [Theory]
    [InlineData(30, 15)]
    [InlineData(31, 16)]
    [InlineData(2, 1)]
    public void Half_or_more_includes_exactly_half(int total, int minimum)
    {
        Assert.Equal(minimum, AtLeast(1, 2).MinimumCount(total));
    }

    [Theory]
    [InlineData(380, 38)]
    [InlineData(381, 39)]
    [InlineData(9, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    public void One_tenth_or_more_rounds_up(int total, int minimum)
    {
        Assert.Equal(minimum, AtLeast(1, 10).MinimumCount(total));
    }

    public static TheoryData<int, int> Totals()
    {
        var data = new TheoryData<int, int>();
        foreach (var (n, d) in new[] { (1, 2), (2, 3), (1, 10), (1, 5), (3, 4), (1, 1) })
        {
            foreach (var total in new[] { 1, 2, 3, 7, 9, 10, 30, 31, 64, 100, 997 })
            {
                data.Add(n * 1000 + d, total);
            }
        }

        return data;
    }

    // MinimumCount and IsMet must agree: the minimum meets the threshold and one fewer does not.
    [Theory]
    [MemberData(nameof(Totals))]
    public void Minimum_count_is_the_exact_boundary_of_is_met(int fractionCode, int total)
    {
        var fraction = new Fraction(fractionCode / 1000, fractionCode % 1000);
        foreach (var comparison in new[] { Comparison.AtLeast, Comparison.MoreThan })
        {
            var threshold = new Threshold(fraction, comparison, CountBase.Due);
            var minimum = threshold.MinimumCount(total);
            if (minimum <= total)
            {
                Assert.True(threshold.IsMet(minimum, total), $"{comparison} {fraction} of {total}: {minimum} should meet it");
            }

            if (minimum > 0)
            {
                Assert.False(threshold.IsMet(minimum - 1, total), $"{comparison} {fraction} of {total}: {minimum - 1} should not meet it");
            }
        }
    }
}
