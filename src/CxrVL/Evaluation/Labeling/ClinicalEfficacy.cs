namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Clinical efficacy as R2Gen/R2GenCMN's <c>compute_ce.py</c> computes it from two CheXpert label tables: blank and
/// uncertain (-1) both count as negative, so only 1 is positive; all 14 columns (No Finding included) are
/// scored with scikit-learn's micro and macro precision, recall and F1, where a ratio with a zero denominator is 0
/// (a label no report predicts has precision 0, and one absent from both tables has F1 0 in the macro mean).
/// </summary>
public static class ClinicalEfficacy
{
    public static ClinicalEfficacyScores Compute(IReadOnlyList<(ChexpertLabels Reference, ChexpertLabels Prediction)> pairs)
    {
        var count = ChexpertObservations.Names.Count;
        var truePositives = new long[count];
        var falsePositives = new long[count];
        var falseNegatives = new long[count];
        foreach (var (reference, prediction) in pairs)
        {
            for (var k = 0; k < count; k++)
            {
                var actual = reference.Values[k] == ChexpertObservations.Positive;
                var predicted = prediction.Values[k] == ChexpertObservations.Positive;
                if (actual && predicted)
                    truePositives[k]++;
                else if (predicted)
                    falsePositives[k]++;
                else if (actual)
                    falseNegatives[k]++;
            }
        }

        double precisionSum = 0, recallSum = 0, f1Sum = 0;
        var perObservation = new Dictionary<string, double>();
        for (var k = 0; k < count; k++)
        {
            var precision = Ratio(truePositives[k], truePositives[k] + falsePositives[k]);
            var recall = Ratio(truePositives[k], truePositives[k] + falseNegatives[k]);
            var f1 = Ratio(2 * truePositives[k], 2 * truePositives[k] + falsePositives[k] + falseNegatives[k]);
            precisionSum += precision;
            recallSum += recall;
            f1Sum += f1;
            perObservation[ChexpertObservations.Names[k]] = f1;
        }
        long tp = truePositives.Sum(), fp = falsePositives.Sum(), fn = falseNegatives.Sum();
        return new ClinicalEfficacyScores(
            Ratio(tp, tp + fp), Ratio(tp, tp + fn), Ratio(2 * tp, 2 * tp + fp + fn),
            precisionSum / count, recallSum / count, f1Sum / count, perObservation, pairs.Count);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : numerator / (double)denominator;
}
