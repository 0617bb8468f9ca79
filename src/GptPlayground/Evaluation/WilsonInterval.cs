namespace GptPlayground.Evaluation;

/// <summary>
/// The Wilson score interval of a pass rate (Wilson, 1927; Brown, Cai and DasGupta, "Interval Estimation for a Binomial
/// Proportion", 2001): unlike the normal approximation p ± z·sqrt(p(1-p)/n), it stays inside [0, 1] and does not collapse
/// to a point at 0/n or n/n, which matters for the small datasets prompts are tested on.
/// </summary>
public static class WilsonInterval
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The interval of <paramref name="passed"/> passes out of <paramref name="total"/>.</summary>
    /// <param name="passed">Passes, 0 to <paramref name="total"/>.</param>
    /// <param name="total">Trials; 0 gives the whole range [0, 1].</param>
    /// <param name="z">The normal quantile (default <see cref="Z95"/>, 95%).</param>
    /// <returns>(low, high), both in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">passed is negative or more than total.</exception>
    public static (double Low, double High) Of(int passed, int total, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(passed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(passed, total);
        if (total == 0) return (0, 1);
        double n = total, p = passed / n, z2 = z * z;
        double center = (p + z2 / (2 * n)) / (1 + z2 / n);                             // the estimate pulled towards 1/2
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return (Math.Max(0, center - half), Math.Min(1, center + half));
    }
}
