using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Nlg.Meteor;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// Scores generated reports against references with every report-generation metric (BLEU-1..4, ROUGE-L, CIDEr-D and
/// METEOR as coco-caption computes them on the texts as given, CIDEr-D's document frequencies from the references,
/// METEOR with the modules <see cref="MeteorScorer.ForEnglish"/> finds data for; clinical
/// efficacy with the given labeler on each sample's first reference; words and repeated sentences per report) with
/// bootstrap intervals and diversity figures, and compares two systems with paired tests.
/// </summary>
public static class ReportScoring
{
    public static ScoredReports Score(IReadOnlyList<NlgSample> samples, IReportLabeler labeler, ReportScoringOptions options)
    {
        Check(samples);
        var labels = labeler.Label([.. samples.Select(s => s.References[0]), .. samples.Select(s => s.Prediction)]);
        var (referenceLabels, predictionLabels) = (labels.Take(samples.Count).ToList(), labels.Skip(samples.Count).ToList());
        var statistics = ReportStatistics.Compute(samples, CiderD.FromReferences(samples), referenceLabels, predictionLabels, options.Uncertain,
                                                  MeteorScorer.ForEnglish(null, null, out _));
        return new ScoredReports(statistics.Estimate(options.Resamples, options.Seed, options.Level), Diversity(samples), statistics,
                                 referenceLabels, predictionLabels, labeler.Name, options);
    }

    /// <summary>System A's and B's reports for the same references (the same ids in the same order).</summary>
    public static SystemComparison Compare(IReadOnlyList<NlgSample> a, IReadOnlyList<NlgSample> b, IReportLabeler labeler, ReportScoringOptions options)
    {
        Check(a);
        if (!a.Select(s => s.Id).SequenceEqual(b.Select(s => s.Id)) || !a.Zip(b).All(p => p.First.References.SequenceEqual(p.Second.References)))
            throw new CxrVLException("the two systems must be scored against the same references, with the same ids in the same order.");
        var n = a.Count;
        var labels = labeler.Label([.. a.Select(s => s.References[0]), .. a.Select(s => s.Prediction), .. b.Select(s => s.Prediction)]);
        var (references, labelsA, labelsB) = (labels.Take(n).ToList(), labels.Skip(n).Take(n).ToList(), labels.Skip(2 * n).ToList());
        var cider = CiderD.FromReferences(a);
        var meteor = MeteorScorer.ForEnglish(null, null, out _);
        var statisticsA = ReportStatistics.Compute(a, cider, references, labelsA, options.Uncertain, meteor);
        var statisticsB = ReportStatistics.Compute(b, cider, references, labelsB, options.Uncertain, meteor);
        var (scoresA, scoresB) = (statisticsA.Scores(), statisticsB.Scores());
        var intervals = PairedSignificance.DifferenceIntervals(statisticsA, statisticsB, options.Resamples, options.Seed, options.Level);
        var randomization = PairedSignificance.Randomization(statisticsA, statisticsB, options.Trials, options.Seed);
        var metrics = ReportMetrics.Names.Select((name, m) =>
            new MetricComparison(name, scoresA[m], scoresB[m], scoresB[m] - scoresA[m], intervals[m], randomization.PValues[m])).ToList();
        return new SystemComparison(metrics, randomization, Diversity(a), Diversity(b), statisticsA, statisticsB, references, labelsA, labelsB,
                                    labeler.Name, options);
    }

    private static DiversityFigures Diversity(IReadOnlyList<NlgSample> samples) =>
        TextDiversity.Compute(samples.Select(s => s.Prediction).ToList(), samples.SelectMany(s => s.References).ToList());

    private static void Check(IReadOnlyList<NlgSample> samples)
    {
        if (samples.Count == 0)
            throw new CxrVLException("no reports to score.");
        if (samples.FirstOrDefault(s => s.References.Count == 0) is { } empty)
            throw new CxrVLException($"id '{empty.Id}' has no reference; give at least one reference text.");
    }
}
