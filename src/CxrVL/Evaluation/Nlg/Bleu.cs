namespace CxrVL.Evaluation.Nlg;

/// <summary>
/// Corpus BLEU as the coco-caption <c>BleuScorer</c> computes it with <c>option='closest'</c>: clipped n-gram
/// matches (each n-gram counted at most its largest count in any one reference) and hypothesis n-gram counts are
/// summed over the corpus; for each sample the reference length closest to the hypothesis length (the shorter one
/// on a tie) is summed into the corpus reference length; BLEU-n is the geometric mean of the precisions 1..n, each
/// <c>(matches + 1e-15) / (count + 1e-9)</c>, times <c>exp(1 - r/c)</c> when the ratio c/r is below 1, where the
/// ratio is itself <c>(c + 1e-15) / (r + 1e-9)</c>. Those constants make an all-empty corpus score 0, not NaN.
/// </summary>
public static class Bleu
{
    private const double Tiny = 1e-15;
    private const double Small = 1e-9;

    public static BleuScore Compute(IReadOnlyList<NlgSample> samples, int maxOrder = 4)
    {
        var statistics = new double[StatisticsLength(maxOrder)];
        foreach (var sample in samples)
            AddStatistics(sample, maxOrder, statistics);
        return FromStatistics(statistics, maxOrder);
    }

    /// <summary>Values per sample in <see cref="AddStatistics"/>: clipped matches and counts per order, then the hypothesis and closest reference lengths.</summary>
    public static int StatisticsLength(int maxOrder = 4) => 2 * maxOrder + 2;

    /// <summary>
    /// Adds one sample's sufficient statistics to <paramref name="statistics"/>: corpus BLEU is a function of their sum
    /// (<see cref="FromStatistics"/>), so resampled or permuted corpora are scored by summing samples' statistics.
    /// </summary>
    public static void AddStatistics(NlgSample sample, int maxOrder, Span<double> statistics)
    {
        var hypothesis = NgramCounts.Of(sample.Prediction, maxOrder);
        var references = sample.References.Select(r => NgramCounts.Of(r, maxOrder)).ToList();
        statistics[2 * maxOrder] += hypothesis.Length;
        statistics[2 * maxOrder + 1] += ClosestLength(references, hypothesis.Length);
        for (var k = 0; k < maxOrder; k++)
        {
            statistics[maxOrder + k] += Math.Max(0, hypothesis.Length - k);
            foreach (var (ngram, count) in hypothesis.ByOrder[k])
            {
                var maxReferenceCount = 0;
                foreach (var reference in references)
                    maxReferenceCount = Math.Max(maxReferenceCount, reference.ByOrder[k].GetValueOrDefault(ngram));
                statistics[k] += Math.Min(count, maxReferenceCount);
            }
        }
    }

    /// <summary>BLEU-1..N of summed statistics (a corpus, or one sample: coco-caption's per-sentence score).</summary>
    public static BleuScore FromStatistics(ReadOnlySpan<double> statistics, int maxOrder = 4)
    {
        var scores = new double[maxOrder];
        var product = 1.0;
        for (var k = 0; k < maxOrder; k++)
        {
            product *= (statistics[k] + Tiny) / (statistics[maxOrder + k] + Small);
            scores[k] = Math.Pow(product, 1.0 / (k + 1));
        }
        var (hypothesisLength, referenceLength) = (statistics[2 * maxOrder], statistics[2 * maxOrder + 1]);
        var ratio = (hypothesisLength + Tiny) / (referenceLength + Small);
        if (ratio < 1)
        {
            var penalty = Math.Exp(1 - 1 / ratio);
            for (var k = 0; k < maxOrder; k++)
                scores[k] *= penalty;
        }
        return new BleuScore(scores, checked((int)hypothesisLength), checked((int)referenceLength));
    }

    private static int ClosestLength(List<NgramCounts> references, int hypothesisLength)
    {
        var best = references[0].Length;
        foreach (var reference in references)
        {
            var distance = Math.Abs(reference.Length - hypothesisLength);
            var bestDistance = Math.Abs(best - hypothesisLength);
            if (distance < bestDistance || (distance == bestDistance && reference.Length < best))
                best = reference.Length;
        }
        return best;
    }
}
