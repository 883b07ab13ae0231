using System.Globalization;

namespace LinxianWorkflow.Engine.Rules;

/// <summary>An exact, non-negative rational number such as 2/3. Thresholds are never floating point.</summary>
public readonly record struct Fraction
{
    /// <summary>Creates a fraction in lowest terms.</summary>
    public Fraction(int numerator, int denominator)
    {
        if (denominator <= 0 || numerator < 0 || numerator > denominator)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), $"{numerator}/{denominator} is not a fraction between 0 and 1.");
        }

        var divisor = Gcd(numerator, denominator);
        Numerator = numerator / divisor;
        Denominator = denominator / divisor;
    }

    /// <summary>The numerator, in lowest terms.</summary>
    public int Numerator { get; }

    /// <summary>The denominator, in lowest terms.</summary>
    public int Denominator { get; }

    /// <summary>Parses "2/3" (or "1" for the whole). Returns false for anything else.</summary>
    public static bool TryParse(string? text, out Fraction fraction)
    {
        fraction = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Split('/');
        if (parts.Length is < 1 or > 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var numerator))
        {
            return false;
        }

        var denominator = 1;
        if (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out denominator))
        {
            return false;
        }

        if (denominator <= 0 || numerator > denominator)
        {
            return false;
        }

        fraction = new Fraction(numerator, denominator);
        return true;
    }

    /// <summary>Compares count/total with this fraction by cross-multiplication: the sign of count·d − n·total.</summary>
    public int CompareWith(int count, int total) =>
        ((long)count * Denominator).CompareTo((long)Numerator * total);

    /// <inheritdoc />
    public override string ToString() => $"{Numerator}/{Denominator}";

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a == 0 ? 1 : a;
    }
}
