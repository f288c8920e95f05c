namespace CxrVL.Evaluation.Classification;

/// <summary>
/// A multi-class confusion matrix (rows: true class, columns: predicted class) and the metrics sklearn reads from
/// one. Macro averages run over the classes that occur in the truth or the predictions, as sklearn does when it
/// is not given a label list; a class that never occurs does not pull the average down.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    private ConfusionMatrix(long[,] counts) => _counts = counts;

    public int ClassCount => _counts.GetLength(0);

    public long Total { get; private init; }

    /// <summary>Samples of true class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => _counts[truth, predicted];

    public static ConfusionMatrix Of(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, int classCount)
    {
        if (truth.Length != predicted.Length)
            throw new ArgumentException($"{truth.Length} labels but {predicted.Length} predictions.");
        var counts = new long[classCount, classCount];
        for (var i = 0; i < truth.Length; i++)
        {
            if ((uint)truth[i] >= (uint)classCount || (uint)predicted[i] >= (uint)classCount)
                throw new ArgumentException($"sample {i}: class {truth[i]} / {predicted[i]} is outside 0..{classCount - 1}.");
            counts[truth[i], predicted[i]]++;
        }
        return new ConfusionMatrix(counts) { Total = truth.Length };
    }

    /// <summary>Class <paramref name="positive"/> against all others.</summary>
    public BinaryCounts ForClass(int positive)
    {
        long tp = _counts[positive, positive], truthTotal = 0, predictedTotal = 0;
        for (var c = 0; c < ClassCount; c++)
        {
            truthTotal += _counts[positive, c];
            predictedTotal += _counts[c, positive];
        }
        var fn = truthTotal - tp;
        var fp = predictedTotal - tp;
        return new BinaryCounts(tp, fp, Total - tp - fn - fp, fn);
    }

    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (var c = 0; c < ClassCount; c++)
                correct += _counts[c, c];
            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    /// <summary>Classes that occur in the truth or the predictions.</summary>
    public IReadOnlyList<int> PresentClasses
    {
        get
        {
            var present = new List<int>();
            for (var c = 0; c < ClassCount; c++)
            {
                var counts = ForClass(c);
                if (counts.TruePositives + counts.FalseNegatives + counts.FalsePositives > 0)
                    present.Add(c);
            }
            return present;
        }
    }

    public double MacroPrecision => Macro(c => c.Precision);

    public double MacroRecall => Macro(c => c.Recall);

    /// <summary>The mean of the per-class F1 scores (sklearn's average="macro").</summary>
    public double MacroF1 => Macro(c => c.F1);

    /// <summary>F1 of the pooled counts (sklearn's average="micro"); for single-label data it equals accuracy.</summary>
    public double MicroF1
    {
        get
        {
            long tp = 0, fp = 0, fn = 0;
            foreach (var c in PresentClasses)
            {
                var counts = ForClass(c);
                tp += counts.TruePositives;
                fp += counts.FalsePositives;
                fn += counts.FalseNegatives;
            }
            return new BinaryCounts(tp, fp, 0, fn).F1;
        }
    }

    /// <summary>
    /// Cohen's kappa as sklearn's cohen_kappa_score computes it: 1 - (observed disagreement / disagreement
    /// expected from the marginals). NaN when the expected disagreement is zero.
    /// </summary>
    public double CohenKappa
    {
        get
        {
            var n = ClassCount;
            var predictedTotals = new double[n];
            var truthTotals = new double[n];
            double total = 0;
            for (var t = 0; t < n; t++)
            for (var p = 0; p < n; p++)
            {
                predictedTotals[p] += _counts[t, p];
                truthTotals[t] += _counts[t, p];
                total += _counts[t, p];
            }
            double observed = 0, expected = 0;
            for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                if (i == j)
                    continue;
                observed += _counts[i, j];
                expected += predictedTotals[i] * truthTotals[j] / total;
            }
            return expected == 0 ? double.NaN : 1 - observed / expected;
        }
    }

    private double Macro(Func<BinaryCounts, double> metric)
    {
        var present = PresentClasses;
        return present.Count == 0 ? 0 : present.Average(c => metric(ForClass(c)));
    }
}
