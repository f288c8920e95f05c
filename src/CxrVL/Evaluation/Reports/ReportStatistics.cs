using CxrVL.Evaluation.Classification;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Nlg.Meteor;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// One system's reports as rows of <see cref="ReportMetrics"/> statistics: every metric of any multiset of the reports
/// (all of them, a bootstrap resample, the reports of a permutation) is <see cref="ReportMetrics.Evaluate"/> of a
/// weighted sum of rows. CIDEr-D's document frequencies are those of the full reference set throughout, and a report
/// whose reference is empty has no clinical efficacy counts (it has no findings to compare against).
/// </summary>
public sealed class ReportStatistics
{
    private readonly double[] _rows;

    private ReportStatistics(IReadOnlyList<string> ids, double[] rows, UncertainLabels uncertain)
    {
        Ids = ids;
        _rows = rows;
        Uncertain = uncertain;
    }

    public IReadOnlyList<string> Ids { get; }

    public UncertainLabels Uncertain { get; }

    public int Count => Ids.Count;

    /// <param name="samples">prediction and references per report (clinical efficacy labels the first reference)</param>
    /// <param name="cider">CIDEr-D with its document frequencies (the references of the whole set)</param>
    /// <param name="referenceLabels">labels of each sample's first reference</param>
    /// <param name="predictionLabels">labels of each sample's prediction</param>
    /// <param name="meteor">METEOR's scorer, whose modules fill the row's METEOR statistics</param>
    public static ReportStatistics Compute(IReadOnlyList<NlgSample> samples, CiderD cider, IReadOnlyList<ChexpertLabels> referenceLabels,
                                           IReadOnlyList<ChexpertLabels> predictionLabels, UncertainLabels uncertain, MeteorScorer meteor)
    {
        if (referenceLabels.Count != samples.Count || predictionLabels.Count != samples.Count)
            throw new ArgumentException($"{samples.Count} samples need as many reference and prediction labels ({referenceLabels.Count}, {predictionLabels.Count}).");
        var width = ReportMetrics.Width;
        var rows = new double[samples.Count * width];
        Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var sample = samples[i];
            var row = rows.AsSpan(i * width, width);
            row[ReportMetrics.ReportsAt] = 1;
            Bleu.AddStatistics(sample, 4, row.Slice(ReportMetrics.BleuAt, Bleu.StatisticsLength()));
            row[ReportMetrics.RougeAt] = RougeL.Score(sample.Prediction, sample.References);
            row[ReportMetrics.CiderAt] = cider.Score(sample.Prediction, sample.References);
            row[ReportMetrics.RepeatedAt] = TextDiversity.RepeatedSentences(sample.Prediction);
            meteor.BestReference(sample.Prediction, sample.References).WriteTo(row.Slice(ReportMetrics.MeteorAt, MeteorStatistics.SpanLength), meteor.Modules);
            if (!string.IsNullOrWhiteSpace(sample.References[0]))
            {
                row[ReportMetrics.ClinicalReportsAt] = 1;
                ClinicalEfficacy.Count(referenceLabels[i], predictionLabels[i], uncertain, row.Slice(ReportMetrics.ClinicalAt, ClinicalEfficacy.CountLength));
            }
        });
        return new ReportStatistics(samples.Select(s => s.Id).ToList(), rows, uncertain);
    }

    internal ReadOnlySpan<double> Row(int i) => _rows.AsSpan(i * ReportMetrics.Width, ReportMetrics.Width);

    /// <summary>The rows summed, each <paramref name="weights"/>[i] times (a bootstrap resample's draw counts); null: each once.</summary>
    public double[] Sums(IReadOnlyList<int>? weights = null)
    {
        var width = ReportMetrics.Width;
        var sums = new double[width];
        for (var i = 0; i < Count; i++)
        {
            var weight = weights?[i] ?? 1;
            if (weight == 0)
                continue;
            var row = Row(i);
            for (var c = 0; c < width; c++)
                sums[c] += weight * row[c];
        }
        return sums;
    }

    /// <summary>Every metric of the reports (weighted as in <see cref="Sums"/>), in <see cref="ReportMetrics.Names"/> order.</summary>
    public double[] Scores(IReadOnlyList<int>? weights = null) => ReportMetrics.Evaluate(Sums(weights), Uncertain);

    /// <summary>Each metric with its bootstrap percentile interval over reports (null intervals when <paramref name="resamples"/> is 0).</summary>
    public IReadOnlyList<MetricEstimate> Estimate(int resamples, int seed, double level = 0.95)
    {
        var values = Scores();
        var replicates = ReportMetrics.Names.Select(_ => new List<double>(resamples)).ToArray();
        Bootstrap.Resample(Count, resamples, seed, counts =>
        {
            var scores = Scores(counts);
            for (var m = 0; m < scores.Length; m++)
                replicates[m].Add(scores[m]);
        });
        return ReportMetrics.Names.Select((name, m) => new MetricEstimate(name, values[m], Bootstrap.PercentileInterval(replicates[m], level, 0))).ToList();
    }

    /// <summary>Report <paramref name="i"/>'s own scores.</summary>
    public PerReportScores PerReport(int i)
    {
        var row = Row(i);
        var bleu = Bleu.FromStatistics(row.Slice(ReportMetrics.BleuAt, Bleu.StatisticsLength()));
        int tp = 0, fp = 0, fn = 0;
        var counts = row.Slice(ReportMetrics.ClinicalAt, ClinicalEfficacy.CountLength);
        for (var k = 0; k < counts.Length; k += ClinicalEfficacy.CountsPerObservation)
        {
            tp += (int)counts[k];
            fp += (int)counts[k + 1];
            fn += (int)counts[k + 2];
        }
        return new PerReportScores(Ids[i], bleu.Corpus, row[ReportMetrics.RougeAt], row[ReportMetrics.CiderAt], tp, fp, fn,
                                   bleu.HypothesisLength, (int)row[ReportMetrics.RepeatedAt]);
    }
}
