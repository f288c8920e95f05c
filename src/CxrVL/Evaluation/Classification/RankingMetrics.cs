namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Binary metrics of continuous scores: AUROC, average precision and their curves. Each sorts once (O(n log n));
/// tied scores are handled exactly (a tied positive-negative pair counts one half).
/// </summary>
public static class RankingMetrics
{
    /// <summary>
    /// Area under the ROC curve, equal to the Mann-Whitney U statistic over (n_pos * n_neg) and to sklearn's
    /// roc_auc_score. NaN when <paramref name="positive"/> lacks either class.
    /// </summary>
    public static double Auroc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var ranked = RankedScores.Create(scores, positive);
        var (positives, negatives) = Counts(ranked);
        return RankedScores.Auroc(positives, negatives);
    }

    /// <summary>
    /// Average precision as sklearn's average_precision_score computes it: the step-wise sum of precision times
    /// the recall gained at each distinct threshold, without interpolation. NaN without positives.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var ranked = RankedScores.Create(scores, positive);
        var (positives, negatives) = Counts(ranked);
        return RankedScores.AveragePrecision(positives, negatives);
    }

    /// <summary>ROC points at every distinct score; rates are NaN for a class that is absent.</summary>
    public static RocCurve RocCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var ranked = RankedScores.Create(scores, positive);
        var (positives, negatives) = Counts(ranked);
        var totalPositives = positives.Sum();
        var totalNegatives = negatives.Sum();
        var fpr = new double[ranked.GroupCount + 1];
        var tpr = new double[ranked.GroupCount + 1];
        var thresholds = new double[ranked.GroupCount + 1];
        thresholds[0] = double.PositiveInfinity;
        fpr[0] = totalNegatives == 0 ? double.NaN : 0;
        tpr[0] = totalPositives == 0 ? double.NaN : 0;
        long tp = 0, fp = 0;
        for (var g = 0; g < ranked.GroupCount; g++)
        {
            tp += positives[g];
            fp += negatives[g];
            fpr[g + 1] = totalNegatives == 0 ? double.NaN : (double)fp / totalNegatives;
            tpr[g + 1] = totalPositives == 0 ? double.NaN : (double)tp / totalPositives;
            thresholds[g + 1] = ranked.GroupScores[g];
        }
        return new RocCurve(fpr, tpr, thresholds);
    }

    /// <summary>Precision-recall points at every distinct score; recall is NaN when there is no positive.</summary>
    public static PrecisionRecallCurve PrecisionRecallCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var ranked = RankedScores.Create(scores, positive);
        var (positives, negatives) = Counts(ranked);
        var totalPositives = positives.Sum();
        var recall = new double[ranked.GroupCount + 1];
        var precision = new double[ranked.GroupCount + 1];
        var thresholds = new double[ranked.GroupCount + 1];
        thresholds[0] = double.PositiveInfinity;
        precision[0] = 1;
        recall[0] = totalPositives == 0 ? double.NaN : 0;
        long tp = 0, fp = 0;
        for (var g = 0; g < ranked.GroupCount; g++)
        {
            tp += positives[g];
            fp += negatives[g];
            recall[g + 1] = totalPositives == 0 ? double.NaN : (double)tp / totalPositives;
            precision[g + 1] = (double)tp / (tp + fp);
            thresholds[g + 1] = ranked.GroupScores[g];
        }
        return new PrecisionRecallCurve(recall, precision, thresholds);
    }

    internal static (long[] Positives, long[] Negatives) Counts(RankedScores ranked, int[]? weights = null)
    {
        var positives = new long[ranked.GroupCount];
        var negatives = new long[ranked.GroupCount];
        ranked.CountGroups(weights, positives, negatives);
        return (positives, negatives);
    }
}
