namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Seeded bootstrap over samples (images): each resample draws n sample indices with replacement and is passed
/// on as counts (how many times each sample was drawn), which weighted metrics consume without copying data.
/// The same seed gives the same resamples on every machine (System.Random with a seed is a fixed algorithm).
/// </summary>
public static class Bootstrap
{
    /// <summary>
    /// Calls <paramref name="replicate"/> once per resample with the draw counts of each sample. The array is
    /// reused between calls.
    /// </summary>
    public static void Resample(int sampleCount, int resamples, int seed, Action<int[]> replicate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        var random = new Random(seed);
        var counts = new int[sampleCount];
        for (var r = 0; r < resamples; r++)
        {
            Array.Clear(counts);
            for (var i = 0; i < sampleCount; i++)
                counts[random.Next(sampleCount)]++;
            replicate(counts);
        }
    }

    /// <summary>
    /// Percentile interval of <paramref name="statistic"/> (which returns NaN for a resample it cannot score; such
    /// resamples are skipped and counted). Null when no resample could be scored.
    /// </summary>
    public static ConfidenceInterval? Interval(int sampleCount, Func<int[], double> statistic, int resamples, int seed, double level = 0.95)
    {
        var values = new List<double>(resamples);
        var skipped = 0;
        Resample(sampleCount, resamples, seed, counts =>
        {
            var value = statistic(counts);
            if (double.IsNaN(value)) skipped++; else values.Add(value);
        });
        return PercentileInterval(values, level, skipped);
    }

    /// <summary>The percentile interval of already computed resample values; null when there are none.</summary>
    public static ConfidenceInterval? PercentileInterval(IReadOnlyList<double> values, double level, int skipped)
    {
        if (level is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(level), level, "the confidence level must lie strictly between 0 and 1.");
        if (values.Count == 0)
            return null;
        var sorted = values.Order().ToArray();
        var tail = (1 - level) / 2;
        return new ConfidenceInterval(Quantile(sorted, tail), Quantile(sorted, 1 - tail), level, values.Count, skipped);
    }

    /// <summary>The q-quantile with linear interpolation between order statistics (numpy's default "linear" method).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
            return double.NaN;
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        var fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }
}
