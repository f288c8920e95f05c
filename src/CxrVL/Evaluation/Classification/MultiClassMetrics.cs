namespace CxrVL.Evaluation.Classification;

/// <summary>Metrics of single-label multi-class predictions given per-class scores.</summary>
public static class MultiClassMetrics
{
    /// <summary>
    /// One-vs-rest AUROC of every class (its score column against membership of that class) and their unweighted
    /// mean over the classes that have both members and non-members in <paramref name="truth"/> (sklearn's
    /// roc_auc_score with multi_class="ovr", average="macro", which does not require the scores to sum to one here).
    /// </summary>
    public static (double[] PerClass, double Macro) OneVsRestAuroc(double[,] scores, ReadOnlySpan<int> truth)
    {
        var samples = scores.GetLength(0);
        var classes = scores.GetLength(1);
        if (truth.Length != samples)
            throw new ArgumentException($"{samples} score rows but {truth.Length} labels.");
        var perClass = new double[classes];
        var column = new double[samples];
        var member = new bool[samples];
        for (var c = 0; c < classes; c++)
        {
            for (var i = 0; i < samples; i++)
            {
                column[i] = scores[i, c];
                member[i] = truth[i] == c;
            }
            perClass[c] = RankingMetrics.Auroc(column, member);
        }
        var defined = perClass.Where(a => !double.IsNaN(a)).ToArray();
        return (perClass, defined.Length == 0 ? double.NaN : defined.Average());
    }

    /// <summary>The predicted class of each sample: the column with the highest score (the first on ties).</summary>
    public static int[] ArgMax(double[,] scores)
    {
        var predicted = new int[scores.GetLength(0)];
        for (var i = 0; i < predicted.Length; i++)
        {
            var best = 0;
            for (var c = 1; c < scores.GetLength(1); c++)
                if (scores[i, c] > scores[i, best])
                    best = c;
            predicted[i] = best;
        }
        return predicted;
    }
}
