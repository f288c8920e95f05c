using CxrVL.Evaluation.Nlg;

namespace CxrVL.Tests.Evaluation.Nlg;

public sealed class RougeLTests
{
    private static double F(double p, double r) => (1 + 1.44) * p * r / (r + 1.44 * p);

    [Fact]
    public void Uses_the_longest_common_subsequence_with_beta_1_2()
    {
        // hyp "a b c d" (longer than its reference) vs "a c e": LCS "a c" = 2; P = 2/4, R = 2/3.
        Assert.Equal(F(0.5, 2.0 / 3), RougeL.Score("a b c d", ["a c e"]), 12);
        Assert.Equal(0.586538, RougeL.Score("a b c d", ["a c e"]), 6);
    }

    [Fact]
    public void Takes_maximum_precision_and_maximum_recall_separately_over_references()
    {
        // "a b" vs "a": LCS 1, P 1/2, R 1. vs "a b c d": LCS 2, P 1, R 1/2. Max P = 1, max R = 1 -> F = 1,
        // higher than either reference's own F.
        Assert.Equal(1.0, RougeL.Score("a b", ["a", "a b c d"]), 12);
    }

    [Fact]
    public void Repeated_words_and_empty_predictions()
    {
        // "a a a" vs "a": LCS 1, P 1/3, R 1.
        Assert.Equal(F(1.0 / 3, 1), RougeL.Score("a a a", ["a"]), 12);
        // "" splits on " " into one empty token, which matches nothing.
        Assert.Equal(0.0, RougeL.Score("", ["a b"]));
    }

    [Fact]
    public void Corpus_score_is_the_mean_of_sample_scores()
    {
        var samples = new List<NlgSample> { new("1", "a b", ["a b"]), new("2", "", ["a"]) };
        Assert.Equal(0.5, RougeL.Compute(samples), 12);
    }

    [Fact]
    public void Longest_common_subsequence_matches_a_known_case()
    {
        // LCS("ABCBDAB", "BDCABA") = 4 (e.g. BCBA), the textbook example.
        Assert.Equal(4, RougeL.LongestCommonSubsequence("A B C B D A B".Split(' '), "B D C A B A".Split(' ')));
    }
}
