namespace CxrVL.Evaluation.Classification;

/// <summary>
/// A 2x2 confusion table and the metrics read from it. A ratio whose denominator is zero is 0, as sklearn's
/// precision/recall/F1 return by default (zero_division="warn").
/// </summary>
public sealed record BinaryCounts(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    public long Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    public double Accuracy => Ratio(TruePositives + TrueNegatives, Total);

    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>Sensitivity, the true-positive rate.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>The true-negative rate.</summary>
    public double Specificity => Ratio(TrueNegatives, TrueNegatives + FalsePositives);

    /// <summary>2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall.</summary>
    public double F1 => Ratio(2 * TruePositives, 2 * TruePositives + FalsePositives + FalseNegatives);

    /// <summary>Counts hard predictions against the truth.</summary>
    public static BinaryCounts Of(ReadOnlySpan<bool> truth, ReadOnlySpan<bool> predicted)
    {
        if (truth.Length != predicted.Length)
            throw new ArgumentException($"{truth.Length} labels but {predicted.Length} predictions.");
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            if (predicted[i])
            {
                if (truth[i]) tp++; else fp++;
            }
            else
            {
                if (truth[i]) fn++; else tn++;
            }
        }
        return new BinaryCounts(tp, fp, tn, fn);
    }

    /// <summary>Counts the predictions <c>score &gt;= threshold</c> against the truth.</summary>
    public static BinaryCounts AtThreshold(ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth, double threshold)
    {
        var predicted = new bool[scores.Length];
        for (var i = 0; i < scores.Length; i++)
            predicted[i] = scores[i] >= threshold;
        return Of(truth, predicted);
    }

    private static double Ratio(long numerator, long denominator) =>
        denominator == 0 ? 0 : (double)numerator / denominator;
}
