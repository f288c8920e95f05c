using System.Globalization;

namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Mean and standard deviation of one metric over runs with different seeds, as multi-seed results are reported
/// ("0.881 ± 0.004 over 5 seeds"): the sample deviation (n - 1 in the denominator; NaN for a single value) by
/// <see cref="Of"/>, the population deviation (n in the denominator, numpy's <c>np.std</c>) by <see cref="OfPopulation"/>
/// where a protocol reports that one.
/// </summary>
public sealed record MeanStd(double Mean, double Std, int Count)
{
    public static MeanStd Of(IEnumerable<double> values) => Summarise(values, population: false);

    public static MeanStd OfPopulation(IEnumerable<double> values) => Summarise(values, population: true);

    private static MeanStd Summarise(IEnumerable<double> values, bool population)
    {
        var list = values.ToList();
        if (list.Count == 0)
            throw new ArgumentException("mean ± std needs at least one value.");
        var mean = list.Average();
        var squares = list.Sum(v => (v - mean) * (v - mean));
        var std = population ? Math.Sqrt(squares / list.Count) : list.Count < 2 ? double.NaN : Math.Sqrt(squares / (list.Count - 1));
        return new MeanStd(mean, std, list.Count);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Mean:0.0000} ± {Std:0.0000} (n={Count})");
}
