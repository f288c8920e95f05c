using CxrVL.Evaluation.Classification;
using CxrVL.Evaluation.Labeling;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// Paired tests of two systems' reports for the same references (<see cref="ReportStatistics"/> rows in the same id
/// order). The approximate-randomization test is RadEval's (<c>radeval.utils.PairedTest</c>, after Riezler and
/// Maxwell 2005): each trial swaps the two systems' reports of every reference independently with probability 1/2,
/// recomputes the corpus metrics, and counts trials whose absolute difference is at least the observed one; the
/// p-value is that count over the trials (two systems with identical reports get 1). Reports the systems share swap
/// to themselves, so only the m differing reports are drawn; when 2^m is at most the trials, every assignment is
/// enumerated and the p-value is exact. Differences within 1e-10 (relative) of the observed one count as ties.
/// The bootstrap resamples references with replacement, the same draw for both systems, and takes percentiles of
/// the difference.
/// </summary>
public static class PairedSignificance
{
    private const double TieTolerance = 1e-10;

    /// <summary>Percentile intervals of B - A for every metric over paired bootstrap resamples (null when none).</summary>
    public static IReadOnlyList<ConfidenceInterval?> DifferenceIntervals(ReportStatistics a, ReportStatistics b, int resamples, int seed, double level = 0.95)
    {
        CheckPaired(a, b);
        var replicates = ReportMetrics.Names.Select(_ => new List<double>(resamples)).ToArray();
        Bootstrap.Resample(a.Count, resamples, seed, counts =>
        {
            var (scoresA, scoresB) = (a.Scores(counts), b.Scores(counts));
            for (var m = 0; m < scoresA.Length; m++)
                replicates[m].Add(scoresB[m] - scoresA[m]);
        });
        return replicates.Select(r => Bootstrap.PercentileInterval(r, level, 0)).ToList();
    }

    public static RandomizationResult Randomization(ReportStatistics a, ReportStatistics b, int trials, int seed)
    {
        CheckPaired(a, b);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        var width = ReportMetrics.Width;
        var (sumsA, sumsB) = (a.Sums(), b.Sums());
        var observed = Differences(sumsA, sumsB, a.Uncertain);
        // Row differences B - A of the reports that differ; a swap moves one of them from B's sums to A's.
        var differences = new List<double[]>();
        for (var i = 0; i < a.Count; i++)
        {
            var difference = new double[width];
            var rowA = a.Row(i);
            var rowB = b.Row(i);
            for (var c = 0; c < width; c++)
                difference[c] = rowB[c] - rowA[c];
            if (difference.Any(d => d != 0))
                differences.Add(difference);
        }
        var exhaustive = differences.Count < 31 && 1L << differences.Count <= trials;
        var total = exhaustive ? 1L << differences.Count : trials;
        var atLeast = new long[observed.Length];
        var random = new Random(seed);
        var (swappedA, swappedB) = (new double[width], new double[width]);
        for (long trial = 0; trial < total; trial++)
        {
            sumsA.CopyTo(swappedA, 0);
            sumsB.CopyTo(swappedB, 0);
            for (var j = 0; j < differences.Count; j++)
            {
                var swap = exhaustive ? (trial >> j & 1) == 1 : random.Next(2) == 1;
                if (!swap)
                    continue;
                var difference = differences[j];
                for (var c = 0; c < width; c++)
                {
                    swappedA[c] += difference[c];
                    swappedB[c] -= difference[c];
                }
            }
            var randomized = Differences(swappedA, swappedB, a.Uncertain);
            for (var m = 0; m < observed.Length; m++)
            {
                if (randomized[m] >= observed[m] - TieTolerance * Math.Max(1, observed[m]))
                    atLeast[m]++;
            }
        }
        return new RandomizationResult(atLeast.Select(c => c / (double)total).ToList(), total, exhaustive);
    }

    private static double[] Differences(double[] sumsA, double[] sumsB, UncertainLabels uncertain)
    {
        var (scoresA, scoresB) = (ReportMetrics.Evaluate(sumsA, uncertain), ReportMetrics.Evaluate(sumsB, uncertain));
        return scoresA.Select((value, m) => Math.Abs(scoresB[m] - value)).ToArray();
    }

    private static void CheckPaired(ReportStatistics a, ReportStatistics b)
    {
        if (!a.Ids.SequenceEqual(b.Ids))
            throw new ArgumentException("the two systems' statistics must hold the same reports in the same order.");
        if (a.Uncertain != b.Uncertain)
            throw new ArgumentException("the two systems' clinical efficacy must read uncertain labels the same way.");
    }
}
