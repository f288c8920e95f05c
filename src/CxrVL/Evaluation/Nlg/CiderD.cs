namespace CxrVL.Evaluation.Nlg;

/// <summary>
/// CIDEr-D as coco-caption's <c>CiderScorer</c> computes it. Every text becomes four tf-idf vectors (n = 1..4) with
/// weight <c>tf × (log N − log max(1, df))</c>; the similarity of a hypothesis to one reference is, per order, the
/// clipped dot product <c>Σ min(h, r) · r</c> divided by both norms (left unnormalised when a norm is 0), times the
/// length penalty <c>exp(−δ² / 2σ²)</c> with σ = 6 and δ the difference of the two texts' <b>bigram</b> counts (the
/// scorer counts the length on n-gram index 1, so δ is the token-length difference except that a one-token text
/// and an empty text both count 0). The sample score is the mean over the four orders of the sum over references,
/// divided by the number of references, times 10; the corpus score is the mean over samples.
/// Document frequencies: by default over the evaluated samples (df = samples whose references contain the
/// n-gram, N = number of samples), which is also what XProNet computes (its scorer is handed the training reports
/// but pycocoevalcap's Cider ignores them); with a corpus, over its texts (df = texts containing the n-gram, N = texts).
/// </summary>
public sealed class CiderD
{
    public const int MaxOrder = 4;

    private readonly Dictionary<string, int>[] _documentFrequency;
    private readonly double _logDocuments;
    private readonly double _sigma;

    private CiderD(Dictionary<string, int>[] documentFrequency, int documents, double sigma)
    {
        _documentFrequency = documentFrequency;
        _logDocuments = Math.Log(documents);
        _sigma = sigma;
    }

    /// <summary>Document frequencies from the references of the samples being scored (the coco-caption default).</summary>
    public static CiderD FromReferences(IReadOnlyList<NlgSample> samples, double sigma = 6.0) =>
        Build(samples.Select(s => (IEnumerable<string>)s.References), samples.Count, sigma);

    /// <summary>Document frequencies from a corpus, one document per text (e.g. the training reports).</summary>
    public static CiderD FromCorpus(IReadOnlyList<string> corpus, double sigma = 6.0) =>
        Build(corpus.Select(text => (IEnumerable<string>)[text]), corpus.Count, sigma);

    private static CiderD Build(IEnumerable<IEnumerable<string>> documents, int count, double sigma)
    {
        if (count == 0)
            throw new CxrVLException("CIDEr-D needs at least one document for its document frequencies; the reference set or corpus is empty.");
        var frequency = new Dictionary<string, int>[MaxOrder];
        for (var k = 0; k < MaxOrder; k++)
            frequency[k] = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var texts in documents)
        {
            var counts = texts.Select(t => NgramCounts.Of(t, MaxOrder)).ToList();
            for (var k = 0; k < MaxOrder; k++)
            {
                seen.Clear();
                foreach (var c in counts)
                    seen.UnionWith(c.ByOrder[k].Keys);
                foreach (var ngram in seen)
                    frequency[k][ngram] = frequency[k].GetValueOrDefault(ngram) + 1;
            }
        }
        return new CiderD(frequency, count, sigma);
    }

    /// <summary>Mean CIDEr-D over the samples, and each sample's score in order.</summary>
    public (double Mean, double[] PerSample) Compute(IReadOnlyList<NlgSample> samples)
    {
        var scores = new double[samples.Count];
        for (var i = 0; i < samples.Count; i++)
            scores[i] = Score(samples[i].Prediction, samples[i].References);
        return (scores.Length == 0 ? 0 : scores.Average(), scores);
    }

    public double Score(string prediction, IReadOnlyList<string> references)
    {
        var hypothesis = Vectorise(prediction);
        var total = 0.0;
        foreach (var reference in references)
        {
            var r = Vectorise(reference);
            var delta = (double)(hypothesis.Length - r.Length);
            var penalty = Math.Exp(-(delta * delta) / (2 * _sigma * _sigma));
            for (var k = 0; k < MaxOrder; k++)
            {
                var value = 0.0;
                foreach (var (ngram, weight) in hypothesis.Weights[k])
                {
                    var referenceWeight = r.Weights[k].GetValueOrDefault(ngram);
                    value += Math.Min(weight, referenceWeight) * referenceWeight;
                }
                if (hypothesis.Norms[k] != 0 && r.Norms[k] != 0)
                    value /= hypothesis.Norms[k] * r.Norms[k];
                total += value * penalty;
            }
        }
        return total / MaxOrder / references.Count * 10.0;
    }

    private Vector Vectorise(string text)
    {
        var counts = NgramCounts.Of(text, MaxOrder);
        var weights = new Dictionary<string, double>[MaxOrder];
        var norms = new double[MaxOrder];
        var bigrams = 0;
        for (var k = 0; k < MaxOrder; k++)
        {
            weights[k] = new Dictionary<string, double>(counts.ByOrder[k].Count, StringComparer.Ordinal);
            var squares = 0.0;
            foreach (var (ngram, tf) in counts.ByOrder[k])
            {
                var df = Math.Log(Math.Max(1.0, _documentFrequency[k].GetValueOrDefault(ngram)));
                var weight = tf * (_logDocuments - df);
                weights[k][ngram] = weight;
                squares += weight * weight;
                if (k == 1)
                    bigrams += tf;
            }
            norms[k] = Math.Sqrt(squares);
        }
        return new Vector(weights, norms, bigrams);
    }

    private sealed record Vector(Dictionary<string, double>[] Weights, double[] Norms, int Length);
}
