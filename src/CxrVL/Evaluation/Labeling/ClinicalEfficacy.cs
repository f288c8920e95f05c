namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Clinical efficacy from pairs of CheXpert label sets (reference, prediction), as scikit-learn's
/// <c>precision_recall_fscore_support</c> computes it on the binarised labels: blank is negative, 1 positive, and -1 as
/// <see cref="UncertainLabels"/> says; micro averages pool every observation's counts, macro averages are the mean over
/// observations, weighted averages weigh each observation by its reference positives; a ratio with a zero denominator
/// is 0 (an observation no report predicts has precision 0; one absent from both sides has F1 0 in the macro mean).
/// The scores are functions of per-report counts (<see cref="Count"/>), so resampled and permuted reports are scored
/// by summing counts (<see cref="FromCounts"/>).
/// </summary>
public static class ClinicalEfficacy
{
    /// <summary>The five observations reported as "CE over 5" (CheXpert's competition labels, in CheXbert's order).</summary>
    public static IReadOnlyList<string> MainObservations { get; } = ["Cardiomegaly", "Edema", "Consolidation", "Atelectasis", "Pleural Effusion"];

    /// <summary>Values per report and observation in <see cref="Count"/>: true positive, false positive, false negative.</summary>
    public const int CountsPerObservation = 3;

    public static int CountLength => ChexpertObservations.Names.Count * CountsPerObservation;

    private static readonly int[] MainColumns = MainObservations.Select(name => ChexpertObservations.Names.ToList().IndexOf(name)).ToArray();

    public static ClinicalEfficacyScores Compute(IReadOnlyList<(ChexpertLabels Reference, ChexpertLabels Prediction)> pairs, UncertainLabels uncertain = UncertainLabels.Positive)
    {
        var counts = new double[CountLength];
        foreach (var (reference, prediction) in pairs)
            Count(reference, prediction, uncertain, counts);
        return FromCounts(counts, pairs.Count, uncertain);
    }

    /// <summary>Adds one report's true positive, false positive and false negative per observation to <paramref name="counts"/>.</summary>
    public static void Count(ChexpertLabels reference, ChexpertLabels prediction, UncertainLabels uncertain, Span<double> counts)
    {
        for (var k = 0; k < ChexpertObservations.Names.Count; k++)
        {
            var (truth, predicted) = (reference.Values[k], prediction.Values[k]);
            if (uncertain == UncertainLabels.Exclude && (truth == ChexpertObservations.Uncertain || predicted == ChexpertObservations.Uncertain))
                continue;
            var actual = IsPositive(truth, uncertain);
            var guessed = IsPositive(predicted, uncertain);
            var at = k * CountsPerObservation;
            if (actual && guessed)
                counts[at]++;
            else if (guessed)
                counts[at + 1]++;
            else if (actual)
                counts[at + 2]++;
        }
    }

    /// <summary>The scores of summed (possibly weighted) counts of <paramref name="samples"/> reports.</summary>
    public static ClinicalEfficacyScores FromCounts(ReadOnlySpan<double> counts, int samples, UncertainLabels uncertain)
    {
        var all = Enumerable.Range(0, ChexpertObservations.Names.Count).ToArray();
        var perObservation = new List<ObservationScore>(all.Length);
        foreach (var k in all)
        {
            var (tp, fp, fn) = (counts[k * 3], counts[k * 3 + 1], counts[k * 3 + 2]);
            perObservation.Add(new ObservationScore(ChexpertObservations.Names[k], Scores(tp, fp, fn), (long)(tp + fn)));
        }
        return new ClinicalEfficacyScores(Averages(counts, all, perObservation), Averages(counts, MainColumns, perObservation), perObservation, samples, uncertain);
    }

    private static bool IsPositive(int? value, UncertainLabels uncertain) =>
        value == ChexpertObservations.Positive || (value == ChexpertObservations.Uncertain && uncertain == UncertainLabels.Positive);

    private static ClinicalEfficacyAverages Averages(ReadOnlySpan<double> counts, int[] columns, IReadOnlyList<ObservationScore> perObservation)
    {
        double tp = 0, fp = 0, fn = 0, precision = 0, recall = 0, f1 = 0, weightedPrecision = 0, weightedRecall = 0, weightedF1 = 0;
        foreach (var k in columns)
        {
            tp += counts[k * 3];
            fp += counts[k * 3 + 1];
            fn += counts[k * 3 + 2];
            var scores = perObservation[k].Scores;
            var support = counts[k * 3] + counts[k * 3 + 2];
            precision += scores.Precision;
            recall += scores.Recall;
            f1 += scores.F1;
            weightedPrecision += support * scores.Precision;
            weightedRecall += support * scores.Recall;
            weightedF1 += support * scores.F1;
        }
        var totalSupport = tp + fn;
        return new ClinicalEfficacyAverages(
            columns.Select(k => ChexpertObservations.Names[k]).ToList(),
            Scores(tp, fp, fn),
            new PrecisionRecallF1(precision / columns.Length, recall / columns.Length, f1 / columns.Length),
            new PrecisionRecallF1(Ratio(weightedPrecision, totalSupport), Ratio(weightedRecall, totalSupport), Ratio(weightedF1, totalSupport)));
    }

    private static PrecisionRecallF1 Scores(double tp, double fp, double fn) =>
        new(Ratio(tp, tp + fp), Ratio(tp, tp + fn), Ratio(2 * tp, 2 * tp + fp + fn));

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;
}
