using System.Globalization;

namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Mean and sample standard deviation (n - 1 in the denominator; NaN for a single value) of one metric over
/// runs with different seeds, as multi-seed results are reported ("0.881 ± 0.004 over 5 seeds").
/// </summary>
public sealed record MeanStd(double Mean, double Std, int Count)
{
    public static MeanStd Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
            throw new ArgumentException("mean ± std needs at least one value.");
        var mean = list.Average();
        var std = list.Count < 2 ? double.NaN : Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
        return new MeanStd(mean, std, list.Count);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Mean:0.0000} ± {Std:0.0000} (n={Count})");
}
