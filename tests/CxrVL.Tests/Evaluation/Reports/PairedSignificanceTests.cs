using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Nlg.Meteor;
using CxrVL.Evaluation.Reports;
using CxrVL.Tests.Text;

namespace CxrVL.Tests.Evaluation.Reports;

/// <summary>
/// The paired approximate-randomization test and bootstrap: identical systems give p = 1 and a zero interval; hand-made
/// cases with a known permutation distribution give its p-value; on real IU reports the exhaustive p-value of every
/// corpus metric equals an enumeration that swaps the texts themselves and re-runs the scorers and the labeler, and
/// sampled trials approach it.
/// </summary>
public sealed class PairedSignificanceTests
{
    private static readonly ChexpertLabeler Labeler = ChexpertLabeler.FromDataRoot();
    private static readonly Lazy<List<string>> Findings = new(() =>
        IuReportTexts.Load().Select(r => r.Findings.ToLowerInvariant()).Where(f => f.Length > 0).ToList());

    [Fact]
    public void Identical_systems_have_p_value_one_and_a_zero_difference_interval()
    {
        var samples = IuSamples(60, shift: 7);
        var a = Statistics(samples, samples.Select(s => s.Prediction).ToList());
        var b = Statistics(samples, samples.Select(s => s.Prediction).ToList());

        var randomization = PairedSignificance.Randomization(a, b, trials: 10_000, seed: 1);
        Assert.All(randomization.PValues, p => Assert.Equal(1, p));
        Assert.Equal(ReportMetrics.Names.Count, randomization.PValues.Count);
        Assert.All(PairedSignificance.DifferenceIntervals(a, b, resamples: 200, seed: 1), interval =>
        {
            Assert.Equal(0, interval!.Lower);
            Assert.Equal(0, interval.Upper);
        });
    }

    [Fact]
    public void Mean_metric_p_values_equal_hand_enumerated_permutation_distributions()
    {
        // WORDS is the mean of B - A word counts d_i; a swap flips the sign of d_i, so the randomized |difference| is
        // |sum of +-d_i| / n over the sign patterns, against the observed |sum of d_i| / n.
        // d = (1, 2, 3): |sums| 6, 0, 2, 4, 4, 2, 0, 6 against 6: 2 of 8.
        Assert.Equal(2 / 8.0, WordsPValue([1, 2, 3], trials: 8));
        // d = (3, -1, 1): |sums| 3, 1, 5, 3, 3, 5, 1, 3 against 3: 6 of 8.
        Assert.Equal(6 / 8.0, WordsPValue([3, -1, 1], trials: 8));
        // d = (1, 1, 1, 1): |sums| 4 for 2 of the 16 patterns, 2 for 8, 0 for 6, against 4: 2 of 16.
        Assert.Equal(2 / 16.0, WordsPValue([1, 1, 1, 1], trials: 16));
        // d = (1, -1): the observed difference is 0, which every pattern reaches.
        Assert.Equal(1, WordsPValue([1, -1], trials: 4));
    }

    [Fact]
    public void Exhaustive_p_values_equal_swapping_the_texts_and_sampled_trials_approach_them()
    {
        const int n = 10;
        var samples = IuSamples(n, shift: 3);
        var predictionsB = IuSamples(n, shift: 5).Select(s => s.Prediction).ToList();
        var a = Statistics(samples, samples.Select(s => s.Prediction).ToList());
        var b = Statistics(samples, predictionsB);
        var exhaustive = PairedSignificance.Randomization(a, b, trials: 1 << n, seed: 0);
        Assert.True(exhaustive.Exhaustive);
        Assert.Equal(1 << n, exhaustive.Trials);

        // Independently: every assignment of the texts, scored from scratch.
        string[] checkedMetrics = ["BLEU_1", "BLEU_4", "ROUGE_L", "CIDEr", "CE_F1_MICRO", "CE_F1_MACRO_5", "CE_PRECISION_WEIGHTED"];
        var observed = Score(samples, samples.Select(s => s.Prediction).ToList(), predictionsB);
        var atLeast = new int[checkedMetrics.Length];
        for (var mask = 0; mask < 1 << n; mask++)
        {
            var swappedA = new List<string>();
            var swappedB = new List<string>();
            for (var i = 0; i < n; i++)
            {
                var swap = (mask >> i & 1) == 1;
                swappedA.Add(swap ? predictionsB[i] : samples[i].Prediction);
                swappedB.Add(swap ? samples[i].Prediction : predictionsB[i]);
            }
            var randomized = Score(samples, swappedA, swappedB);
            for (var m = 0; m < checkedMetrics.Length; m++)
            {
                var metric = checkedMetrics[m];
                if (randomized[metric] >= observed[metric] - 1e-10 * Math.Max(1, observed[metric]))
                    atLeast[m]++;
            }
        }
        for (var m = 0; m < checkedMetrics.Length; m++)
        {
            var index = ReportMetrics.Names.ToList().IndexOf(checkedMetrics[m]);
            Assert.True(atLeast[m] / 1024.0 == exhaustive.PValues[index], $"{checkedMetrics[m]}: enumeration {atLeast[m] / 1024.0}, CxrVL {exhaustive.PValues[index]}");
        }
        Assert.Contains(exhaustive.PValues, p => p is > 0.01 and < 0.99);

        // One trial fewer than the assignments: random trials, within four standard errors of the exact p-value.
        var sampled = PairedSignificance.Randomization(a, b, trials: (1 << n) - 1, seed: 5);
        Assert.False(sampled.Exhaustive);
        for (var m = 0; m < exhaustive.PValues.Count; m++)
        {
            var p = exhaustive.PValues[m];
            var error = 4 * Math.Sqrt(p * (1 - p) / sampled.Trials) + 1.0 / sampled.Trials;
            Assert.True(Math.Abs(sampled.PValues[m] - p) <= error, $"{ReportMetrics.Names[m]}: sampled {sampled.PValues[m]}, exact {p}");
        }
    }

    private static readonly MeteorScorer Meteor = new(new MeteorAligner([MeteorModule.Exact, MeteorModule.Stem], null));

    [Fact]
    public void Statistics_score_as_the_scorers_and_clinical_efficacy_do()
    {
        var samples = IuSamples(400, shift: 11);
        var statistics = Statistics(samples, samples.Select(s => s.Prediction).ToList());
        var scores = ReportMetrics.Names.Zip(statistics.Scores()).ToDictionary(p => p.First, p => p.Second);

        // METEOR from summed rows equals the scorer's corpus value over the same samples.
        var nlg = NlgEvaluator.Evaluate(samples, meteor: Meteor).ToDictionary();
        Assert.InRange(nlg["METEOR"], 0.05, 0.95);
        foreach (var (name, value) in nlg)
            Assert.True(Math.Abs(value - scores[name]) < 1e-12, $"{name}: scorer {value}, statistics {scores[name]}");
        var pairs = samples.Where(s => !string.IsNullOrWhiteSpace(s.References[0]))
            .Select(s => (Labeler.Label(s.References[0]), Labeler.Label(s.Prediction))).ToList();
        foreach (var (name, value) in ClinicalEfficacy.Compute(pairs).ToDictionary())
            Assert.True(Math.Abs(value - scores["CE_" + name]) < 1e-12, $"CE_{name}: {value} vs {scores["CE_" + name]}");
        Assert.Equal(samples.Average(s => NgramCounts.PythonSplit(s.Prediction).Count), scores["WORDS"], 12);

        var estimates = statistics.Estimate(resamples: 300, seed: 2);
        foreach (var estimate in estimates)
            Assert.InRange(estimate.Value, estimate.Interval!.Lower - 1e-12, estimate.Interval.Upper + 1e-12);
        Assert.True(estimates.Single(e => e.Metric == "BLEU_4").Interval!.Upper > estimates.Single(e => e.Metric == "BLEU_4").Interval!.Lower);
    }

    private static double WordsPValue(int[] differences, int trials)
    {
        var references = differences.Select(_ => "r").ToList();
        var a = differences.Select(d => string.Join(' ', Enumerable.Repeat("w", d < 0 ? 2 : 1))).ToList();
        var b = differences.Select((d, i) => string.Join(' ', Enumerable.Repeat("w", NgramCounts.PythonSplit(a[i]).Count + d))).ToList();
        var samples = references.Select((r, i) => new NlgSample(i.ToString(), a[i], [r])).ToList();
        var result = PairedSignificance.Randomization(Statistics(samples, a), Statistics(samples, b), trials, seed: 0);
        Assert.True(result.Exhaustive);
        return result.PValues[ReportMetrics.Names.ToList().IndexOf("WORDS")];
    }

    private static ReportStatistics Statistics(IReadOnlyList<NlgSample> samples, IReadOnlyList<string> predictions)
    {
        var withPredictions = samples.Select((s, i) => s with { Prediction = predictions[i] }).ToList();
        return ReportStatistics.Compute(withPredictions, CiderD.FromReferences(withPredictions),
                                        Labeler.Label(samples.Select(s => s.References[0]).ToList()), Labeler.Label(predictions), UncertainLabels.Positive,
                                        Meteor);
    }

    /// <summary>|B - A| of each metric, scored from the texts with the scorers and the labeler.</summary>
    private static Dictionary<string, double> Score(IReadOnlyList<NlgSample> samples, IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        Dictionary<string, double> Metrics(IReadOnlyList<string> predictions)
        {
            var withPredictions = samples.Select((s, i) => s with { Prediction = predictions[i] }).ToList();
            var metrics = new Dictionary<string, double>(NlgEvaluator.Evaluate(withPredictions).ToDictionary());
            var pairs = withPredictions.Select(s => (Label(s.References[0]), Label(s.Prediction))).ToList();
            foreach (var (name, value) in ClinicalEfficacy.Compute(pairs).ToDictionary())
                metrics["CE_" + name] = value;
            return metrics;
        }
        var (scoresA, scoresB) = (Metrics(a), Metrics(b));
        return scoresA.ToDictionary(p => p.Key, p => Math.Abs(scoresB[p.Key] - p.Value));
    }

    private static readonly Dictionary<string, ChexpertLabels> Labels = [];

    private static ChexpertLabels Label(string text)
    {
        lock (Labels)
        {
            if (!Labels.TryGetValue(text, out var labels))
                Labels[text] = labels = Labeler.Label(text);
            return labels;
        }
    }

    /// <summary>IU findings as references, the findings <paramref name="shift"/> reports later as predictions (lower case, as R2Gen scores).</summary>
    private static List<NlgSample> IuSamples(int count, int shift)
    {
        var findings = Findings.Value;
        return Enumerable.Range(0, count).Select(i => new NlgSample($"{i}", findings[i + shift], [findings[i]])).ToList();
    }
}
