using CxrVL.Evaluation.Classification;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// Metrics over test items as functions of how often each item is drawn (<see cref="PairedBootstrap"/>): all ones give the
/// plain metric, a bootstrap draw the metric of that resample.
/// </summary>
public static class ItemStatistics
{
    /// <summary>The mean of per-item values, each weighted by its draws.</summary>
    public static Func<int[], double> Mean(IReadOnlyList<double> values) => counts =>
    {
        double sum = 0, weight = 0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += counts[i] * values[i];
            weight += counts[i];
        }
        return weight == 0 ? double.NaN : sum / weight;
    };

    /// <summary>One-vs-rest macro AUROC of per-item class scores [N, C] (<see cref="MultiClassMetrics.OneVsRestAuroc"/>) on the drawn items.</summary>
    public static Func<int[], double> Auroc(double[,] scores, int[] truth) => counts =>
    {
        var drawn = PairedBootstrap.Drawn(Enumerable.Range(0, truth.Length).ToList(), counts).ToList();
        var classes = scores.GetLength(1);
        var resampled = new double[drawn.Count, classes];
        for (var r = 0; r < drawn.Count; r++)
            for (var c = 0; c < classes; c++)
                resampled[r, c] = scores[drawn[r], c];
        return MultiClassMetrics.OneVsRestAuroc(resampled, drawn.Select(i => truth[i]).ToArray()).Macro;
    };
}
