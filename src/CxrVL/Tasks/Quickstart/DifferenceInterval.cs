using System.Globalization;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// The pretrained model's metric less another model's on the same test items, with a paired bootstrap percentile
/// interval (test items drawn with replacement, both models scored on each draw).
/// </summary>
/// <param name="Difference">pretrained minus the other model, on all test items</param>
/// <param name="Lower">lower end of the interval</param>
/// <param name="Upper">upper end of the interval</param>
/// <param name="Level">the interval's confidence level (0.95)</param>
/// <param name="Resamples">draws both models could be scored on (AUROC needs both classes in a draw)</param>
public sealed record DifferenceInterval(double Difference, double Lower, double Upper, double Level, int Resamples)
{
    /// <summary>
    /// Differences the table cannot show (it prints three decimals) are no gain or loss: BLEU-4 of two generators that
    /// never match four words is 1e-15 against 6e-15 (pycocoevalcap's smoothing), an interval that excludes 0 by nothing.
    /// </summary>
    public const double Negligible = 5e-4;

    /// <summary>A gain only when the whole interval lies on the better side of 0, by more than <see cref="Negligible"/>.</summary>
    public bool IsGain(bool higherIsBetter) => higherIsBetter ? Lower >= Negligible : Upper <= -Negligible;

    /// <summary>A loss only when the whole interval lies on the worse side of 0, by more than <see cref="Negligible"/>.</summary>
    public bool IsLoss(bool higherIsBetter) => higherIsBetter ? Upper <= -Negligible : Lower >= Negligible;

    /// <summary>"+0.120 [+0.050, +0.190]".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Signed(Difference)} [{Signed(Lower)}, {Signed(Upper)}]");

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);
}
