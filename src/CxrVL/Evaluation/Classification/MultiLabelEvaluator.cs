using CxrVL.Data.Builders;

namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Multi-label classification metrics from continuous scores. Labels are 1 (positive), 0 (negative), -1
/// (uncertain) or NaN (missing). Each label is scored on its own samples: missing labels, and uncertain ones
/// under the default policy, leave that sample out of that label only. Bootstrap intervals resample images, so
/// every label of a resample sees the same images.
/// </summary>
public static class MultiLabelEvaluator
{
    /// <param name="labelNames">One name per column.</param>
    /// <param name="scores">[samples, labels] continuous scores (probabilities, logits or similarities).</param>
    /// <param name="labels">[samples, labels] 1, 0, -1 or NaN.</param>
    public static MultiLabelResult Evaluate(IReadOnlyList<string> labelNames, double[,] scores, double[,] labels, MultiLabelOptions? options = null)
    {
        options ??= new MultiLabelOptions();
        var samples = scores.GetLength(0);
        if (scores.GetLength(1) != labelNames.Count || labels.GetLength(1) != labelNames.Count || labels.GetLength(0) != samples)
            throw new ArgumentException(
                $"scores are {samples}x{scores.GetLength(1)} and labels {labels.GetLength(0)}x{labels.GetLength(1)}, but {labelNames.Count} label names were given.");

        if (options.SampleIds is { } ids && ids.Count != samples)
            throw new ArgumentException($"{ids.Count} sample ids were given for {samples} samples.");
        string Sample(int i) => options.SampleIds is { } known ? $"sample '{known[i]}'" : $"sample {i}";
        var columns = labelNames.Select((name, l) => Column.Build(name, l, scores, labels, options.Uncertain, Sample)).ToArray();
        var results = columns.Select(c => c.Score(options.KeepCurves)).ToArray();
        var averaged = columns.Where(c => c.Ranked.Positive.Any(p => p) && c.Ranked.Positive.Any(p => !p)).ToArray();
        var result = new MultiLabelResult(
            samples,
            results,
            averaged.Length == 0 ? double.NaN : averaged.Average(c => results[c.Index].Auroc),
            averaged.Length == 0 ? double.NaN : averaged.Average(c => results[c.Index].AveragePrecision),
            columns.Except(averaged).Select(c => c.Name).ToArray());
        if (options.BootstrapResamples == 0)
            return result;
        return AddIntervals(result, columns, averaged, samples, options);
    }

    private static MultiLabelResult AddIntervals(MultiLabelResult result, Column[] columns, Column[] averaged, int samples, MultiLabelOptions options)
    {
        var aurocs = columns.Select(_ => new List<double>()).ToArray();
        var aps = columns.Select(_ => new List<double>()).ToArray();
        var aurocSkipped = new int[columns.Length];
        var apSkipped = new int[columns.Length];
        var macroAuroc = new List<double>();
        var macroAp = new List<double>();
        int macroAurocSkipped = 0, macroApSkipped = 0;
        var replicateAuroc = new double[columns.Length];
        var replicateAp = new double[columns.Length];

        Bootstrap.Resample(samples, options.BootstrapResamples, options.Seed, counts =>
        {
            foreach (var column in columns)
            {
                (replicateAuroc[column.Index], replicateAp[column.Index]) = column.ScoreResample(counts);
                Collect(replicateAuroc[column.Index], aurocs[column.Index], ref aurocSkipped[column.Index]);
                Collect(replicateAp[column.Index], aps[column.Index], ref apSkipped[column.Index]);
            }
            if (averaged.Length == 0)
                return;
            Collect(averaged.Average(c => replicateAuroc[c.Index]), macroAuroc, ref macroAurocSkipped);
            Collect(averaged.Average(c => replicateAp[c.Index]), macroAp, ref macroApSkipped);
        });

        var level = options.ConfidenceLevel;
        var labels = result.Labels.Select((label, l) => label with
        {
            AurocInterval = label.HasBothClasses ? Bootstrap.PercentileInterval(aurocs[l], level, aurocSkipped[l]) : null,
            AveragePrecisionInterval = label.Positives > 0 ? Bootstrap.PercentileInterval(aps[l], level, apSkipped[l]) : null,
        }).ToArray();
        return result with
        {
            Labels = labels,
            MacroAurocInterval = averaged.Length == 0 ? null : Bootstrap.PercentileInterval(macroAuroc, level, macroAurocSkipped),
            MacroAveragePrecisionInterval = averaged.Length == 0 ? null : Bootstrap.PercentileInterval(macroAp, level, macroApSkipped),
            BootstrapResamples = options.BootstrapResamples,
            BootstrapSeed = options.Seed,
        };
    }

    private static void Collect(double value, List<double> values, ref int skipped)
    {
        if (double.IsNaN(value)) skipped++; else values.Add(value);
    }

    /// <summary>One label's scored samples, ranked once for the full data and every resample.</summary>
    private sealed class Column
    {
        public required string Name { get; init; }
        public required int Index { get; init; }
        public required RankedScores Ranked { get; init; }
        public required double[] Scores { get; init; }
        /// <summary>Row of each scored sample in the input (to read its resample count).</summary>
        public required int[] Rows { get; init; }
        public required int Uncertain { get; init; }
        public required int Missing { get; init; }

        private int[]? _rowAtRank;
        private long[]? _positives;
        private long[]? _negatives;

        public static Column Build(string name, int index, double[,] scores, double[,] labels, UncertainPolicy policy, Func<int, string> sample)
        {
            var rows = new List<int>();
            var positive = new List<bool>();
            var values = new List<double>();
            int uncertain = 0, missing = 0;
            for (var i = 0; i < scores.GetLength(0); i++)
            {
                var label = labels[i, index];
                bool isPositive;
                if (double.IsNaN(label))
                {
                    missing++;
                    continue;
                }
                if (label == -1)
                {
                    uncertain++;
                    if (policy == UncertainPolicy.Ignore)
                        continue;
                    isPositive = policy == UncertainPolicy.Ones;
                }
                else if (label is 0 or 1)
                    isPositive = label == 1;
                else
                    throw new CxrVLException($"label '{name}' of {sample(i)} is {label}; labels must be 1, 0, -1 (uncertain) or missing.");
                if (!double.IsFinite(scores[i, index]))
                    throw new CxrVLException($"score '{name}' of {sample(i)} is {scores[i, index]}; scores must be finite numbers.");
                rows.Add(i);
                positive.Add(isPositive);
                values.Add(scores[i, index]);
            }
            var scoreArray = values.ToArray();
            return new Column
            {
                Name = name,
                Index = index,
                Ranked = RankedScores.Create(scoreArray, positive.ToArray()),
                Scores = scoreArray,
                Rows = rows.ToArray(),
                Uncertain = uncertain,
                Missing = missing,
            };
        }

        public LabelResult Score(bool keepCurves)
        {
            var (positives, negatives) = RankingMetrics.Counts(Ranked);
            return new LabelResult(
                Name,
                RankedScores.Auroc(positives, negatives),
                RankedScores.AveragePrecision(positives, negatives),
                (int)positives.Sum(),
                (int)negatives.Sum(),
                Uncertain,
                Missing)
            {
                Roc = keepCurves ? RankingMetrics.RocCurve(Scores, Ranked.Positive) : null,
                PrecisionRecall = keepCurves ? RankingMetrics.PrecisionRecallCurve(Scores, Ranked.Positive) : null,
            };
        }

        /// <summary>AUROC and AP of this label on a resample given by per-row draw counts.</summary>
        public (double Auroc, double AveragePrecision) ScoreResample(int[] rowCounts)
        {
            _rowAtRank ??= Ranked.Order.Select(k => Rows[k]).ToArray();
            _positives ??= new long[Ranked.GroupCount];
            _negatives ??= new long[Ranked.GroupCount];
            Ranked.CountGroups(rowCounts, _rowAtRank, _positives, _negatives);
            return (RankedScores.Auroc(_positives, _negatives), RankedScores.AveragePrecision(_positives, _negatives));
        }
    }
}
