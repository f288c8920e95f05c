namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Chooses a decision threshold on validation scores only, then applies it to test scores, so the test set never
/// influences the threshold. A sample is predicted positive when its score is at least the threshold.
/// </summary>
public static class ThresholdSelection
{
    /// <summary>
    /// The validation score that maximises F1 when used as the threshold; among equal F1 values the highest
    /// threshold wins. Throws when the validation labels hold no positive (every threshold then scores F1 = 0).
    /// </summary>
    public static (double Threshold, double F1) BestF1Threshold(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var ranked = RankedScores.Create(scores, positive);
        var (positives, negatives) = RankingMetrics.Counts(ranked);
        var totalPositives = positives.Sum();
        if (totalPositives == 0)
            throw new CxrVLException("the validation labels hold no positive, so no threshold can be chosen by F1; use a validation split with positives.");
        long tp = 0, fp = 0;
        var best = (Threshold: double.PositiveInfinity, F1: -1.0);
        for (var g = 0; g < ranked.GroupCount; g++)
        {
            tp += positives[g];
            fp += negatives[g];
            var f1 = 2.0 * tp / (2 * tp + fp + (totalPositives - tp));
            if (f1 > best.F1)
                best = (ranked.GroupScores[g], f1);
        }
        return best;
    }

    /// <summary>
    /// The threshold of best accuracy (+infinity: everything negative); among equal accuracies the highest wins. The
    /// threshold lies halfway between the lowest score predicted positive and the next lower score, so unseen scores
    /// between the two are split evenly rather than all called negative.
    /// </summary>
    public static (double Threshold, double Accuracy) BestAccuracyThreshold(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length == 0)
            throw new CxrVLException("no scores to choose an accuracy threshold from.");
        var ranked = RankedScores.Create(scores, positive);
        var (positives, negatives) = RankingMetrics.Counts(ranked);
        var totalNegatives = negatives.Sum();
        long tp = 0, fp = 0;
        var best = (Threshold: double.PositiveInfinity, Accuracy: (double)totalNegatives / scores.Length);
        for (var g = 0; g < ranked.GroupCount; g++)
        {
            tp += positives[g];
            fp += negatives[g];
            var accuracy = (double)(tp + totalNegatives - fp) / scores.Length;
            if (accuracy > best.Accuracy)
                best = (g + 1 < ranked.GroupCount ? (ranked.GroupScores[g] + ranked.GroupScores[g + 1]) / 2 : ranked.GroupScores[g], accuracy);
        }
        return best;
    }

    /// <summary>Picks the threshold with the best validation F1 and reports the test counts at that threshold.</summary>
    public static ThresholdedF1 F1AtValidationThreshold(
        ReadOnlySpan<double> validationScores, ReadOnlySpan<bool> validationPositive,
        ReadOnlySpan<double> testScores, ReadOnlySpan<bool> testPositive)
    {
        var (threshold, validationF1) = BestF1Threshold(validationScores, validationPositive);
        return new ThresholdedF1(threshold, validationF1, BinaryCounts.AtThreshold(testScores, testPositive, threshold));
    }
}
