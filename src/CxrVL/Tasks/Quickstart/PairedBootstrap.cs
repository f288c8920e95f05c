using CxrVL.Evaluation.Classification;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// Builds the quickstart's comparison rows: each model's metric on all test items, and the pretrained model's difference
/// to each other model with a paired bootstrap interval (the same draws of test items score both models, so what the
/// items share cancels out).
/// </summary>
public static class PairedBootstrap
{
    /// <param name="items">test items, in the same order for every model</param>
    /// <param name="arms">
    /// each model's metric as a function of how often each test item is drawn (all ones: the plain metric; NaN for a
    /// draw it cannot score, as AUROC of a draw with one class); null for a model without a number (diverged, not built)
    /// </param>
    public static TaskComparison Compare(string task, string metric, int items, IReadOnlyDictionary<QuickstartArm, Func<int[], double>?> arms,
                                         int resamples, int seed, bool higherIsBetter = true, double level = 0.95)
    {
        var all = Enumerable.Repeat(1, items).ToArray();
        double? Value(QuickstartArm arm) => arms.GetValueOrDefault(arm) is { } statistic ? statistic(all) : null;
        DifferenceInterval? Versus(QuickstartArm other) =>
            arms.GetValueOrDefault(QuickstartArm.Pretrained) is { } pretrained && arms.GetValueOrDefault(other) is { } baseline
                ? Difference(items, pretrained, baseline, resamples, seed, level)
                : null;
        return new TaskComparison(task, metric, Value(QuickstartArm.Random), Value(QuickstartArm.Package), Value(QuickstartArm.Pretrained), items, higherIsBetter)
        {
            VersusRandom = Versus(QuickstartArm.Random),
            VersusPackage = Versus(QuickstartArm.Package),
        };
    }

    /// <summary>
    /// <paramref name="a"/> less <paramref name="b"/> on all items, and the percentile interval of the difference over
    /// <paramref name="resamples"/> draws; null when the plain difference is undefined or no draw could be scored.
    /// </summary>
    public static DifferenceInterval? Difference(int items, Func<int[], double> a, Func<int[], double> b, int resamples, int seed, double level = 0.95)
    {
        var all = Enumerable.Repeat(1, items).ToArray();
        var difference = a(all) - b(all);
        if (double.IsNaN(difference) || resamples <= 0)
            return null;
        var values = new List<double>(resamples);
        var skipped = 0;
        Bootstrap.Resample(items, resamples, seed, counts =>
        {
            var value = a(counts) - b(counts);
            if (double.IsNaN(value)) skipped++; else values.Add(value);
        });
        return Bootstrap.PercentileInterval(values, level, skipped) is { } interval
            ? new DifferenceInterval(difference, interval.Lower, interval.Upper, level, interval.Resamples)
            : null;
    }

    /// <summary>
    /// <paramref name="score"/> computed once per draw: the comparisons of a task and its metrics all see the same seeded
    /// draws, so a costly score of all metrics at once (mAP, CIDEr-D) is computed once for each.
    /// </summary>
    public static Func<int[], T> OncePerDraw<T>(Func<int[], T> score)
    {
        var scores = new Dictionary<string, T>(StringComparer.Ordinal);
        return counts =>
        {
            var draw = string.Join(',', counts);
            if (!scores.TryGetValue(draw, out var value))
                scores[draw] = value = score(counts);
            return value;
        };
    }

    /// <summary>The items drawn, each repeated as often as it was drawn (for metrics computed from a list of items).</summary>
    public static IEnumerable<T> Drawn<T>(IReadOnlyList<T> items, int[] counts)
    {
        for (var i = 0; i < items.Count; i++)
            for (var c = 0; c < counts[i]; c++)
                yield return items[i];
    }
}
