using CxrVL.Evaluation.Nlg;

namespace CxrVL.Tests.Evaluation.Nlg;

public sealed class CiderDTests
{
    private static readonly double Penalty1 = Math.Exp(-1.0 / 72); // exp(-delta^2 / (2 * 6^2)) for delta = 1

    [Fact]
    public void Tf_idf_over_the_references_of_the_evaluated_samples()
    {
        // N = 3 samples -> log 3. df over each sample's references: a 2 (samples 1, 2), b, "a b", c, "a c", e 1; d 0.
        // S1 "a b" vs ["a b"]: identical vectors -> orders 1 and 2 give 1; no trigrams -> 0. Score (1 + 1) / 4 * 10 = 5.
        // S2 "a" vs ["a c"]: hyp a = log 1.5; ref a = log 1.5, c = log 3, "a c" = log 3. Order 1:
        //   log1.5^2 / (log1.5 * sqrt(log1.5^2 + log3^2)); bigram lengths 0 and 1 -> penalty exp(-1/72). Score * 10 / 4.
        // S3 "d d" vs ["e"]: nothing shared -> 0.
        var samples = new List<NlgSample> { new("1", "a b", ["a b"]), new("2", "a", ["a c"]), new("3", "d d", ["e"]) };
        var (mean, perSample) = CiderD.FromReferences(samples).Compute(samples);
        double l15 = Math.Log(1.5), l3 = Math.Log(3);
        var s2 = l15 / Math.Sqrt(l15 * l15 + l3 * l3) * Penalty1 / 4 * 10;
        Assert.Equal(5.0, perSample[0], 12);
        Assert.Equal(s2, perSample[1], 12);
        Assert.Equal(0.853665, perSample[1], 6);
        Assert.Equal(0.0, perSample[2], 12);
        Assert.Equal((5 + s2) / 3, mean, 12);
    }

    [Fact]
    public void Clips_hypothesis_weights_at_the_reference_weights()
    {
        // Corpus ["a b", "x"]: N = 2, every n-gram weighs tf * log 2. hyp "a a b" vs ref "a b":
        // order 1: h = (a 2, b 1), r = (a 1, b 1): sum min(h, r) * r = 2 (unclipped 3), norms sqrt5 * sqrt2 -> 2/sqrt10;
        // order 2: h = ("a a" 1, "a b" 1), r = ("a b" 1): 1 / sqrt2; order 3: the reference has none -> 0.
        // Bigram lengths 2 and 1 -> penalty exp(-1/72).
        var cider = CiderD.FromCorpus(["a b", "x"]);
        var expected = (2 / Math.Sqrt(10) + 1 / Math.Sqrt(2)) * Penalty1 / 4 * 10;
        Assert.Equal(expected, cider.Score("a a b", ["a b"]), 12);
        Assert.Equal(3.302715, cider.Score("a a b", ["a b"]), 6);
    }

    [Fact]
    public void Several_references_are_averaged_and_an_empty_prediction_scores_zero()
    {
        // Same corpus. "a b" vs "a b" gives 1 + 1 over orders 1 and 2; vs "c" gives 0. (2 / 4 / 2 refs) * 10 = 2.5.
        var cider = CiderD.FromCorpus(["a b", "x"]);
        Assert.Equal(2.5, cider.Score("a b", ["a b", "c"]), 12);
        Assert.Equal(0.0, cider.Score("", ["a b"]));
    }

    [Fact]
    public void One_sample_has_zero_idf_everywhere()
    {
        // N = 1: log N = 0 and every df is 1, so all weights are 0 and CIDEr-D is 0 even for a perfect match.
        var samples = new List<NlgSample> { new("1", "a b c", ["a b c"]) };
        Assert.Equal(0.0, CiderD.FromReferences(samples).Compute(samples).Mean);
    }
}
