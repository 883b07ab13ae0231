using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Tests.Rules;

public class FractionTests
{
    [Theory]
    [InlineData("2/3", 2, 3)]
    [InlineData("4/6", 2, 3)]
    [InlineData("1/2", 1, 2)]
    [InlineData("1/10", 1, 10)]
    [InlineData("1", 1, 1)]
    [InlineData("0/5", 0, 1)]
    public void Parses_and_reduces_to_lowest_terms(string text, int numerator, int denominator)
    {
        Assert.True(Fraction.TryParse(text, out var fraction));
        Assert.Equal(numerator, fraction.Numerator);
        Assert.Equal(denominator, fraction.Denominator);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    [InlineData("2/0")]
    [InlineData("3/2")]
    [InlineData("-1/2")]
    [InlineData("0.5")]
    [InlineData("1/2/3")]
    [InlineData("a/b")]
    [InlineData("2 /3")]
    public void Refuses_anything_but_a_fraction_between_zero_and_one(string? text)
    {
        Assert.False(Fraction.TryParse(text, out _));
    }

    [Theory]
    [InlineData(2, 3, 20, 30, 0)]
    [InlineData(2, 3, 21, 31, 1)]
    [InlineData(2, 3, 20, 31, -1)]
    [InlineData(1, 2, 15, 30, 0)]
    [InlineData(1, 2, 16, 31, 1)]
    [InlineData(1, 2, 15, 31, -1)]
    public void Compares_by_cross_multiplication(int n, int d, int count, int total, int sign)
    {
        Assert.Equal(sign, Math.Sign(new Fraction(n, d).CompareWith(count, total)));
    }

    [Fact]
    public void Cross_multiplication_does_not_overflow_on_large_counts()
    {
        var twoThirds = new Fraction(2, 3);
        Assert.True(twoThirds.CompareWith(int.MaxValue, int.MaxValue) > 0);
        Assert.True(twoThirds.CompareWith(1_431_655_764, int.MaxValue) < 0);
        Assert.True(twoThirds.CompareWith(1_431_655_765, int.MaxValue) > 0);
    }
}
