using CxrVL.Evaluation.Nlg;

namespace CxrVL.Tests.Evaluation.Nlg;

public sealed class BleuTests
{
    private const double Tiny = 1e-15;
    private const double Small = 1e-9;

    private static IReadOnlyList<double> Score(params (string Prediction, string[] References)[] samples) =>
        Bleu.Compute(samples.Select((s, i) => new NlgSample(i.ToString(), s.Prediction, s.References)).ToList()).Corpus;

    [Fact]
    public void Counts_clipped_ngrams_of_each_order()
    {
        // hyp "the cat sat on the mat" vs ref "the cat is on the mat", both 6 tokens:
        // unigrams: the(2, ref 2) cat on mat match, sat not -> 5/6; bigrams: "the cat", "on the", "the mat" of 5 -> 3/5;
        // trigrams: "on the mat" of 4 -> 1/4; 4-grams: none of 3 -> (0 + 1e-15) / (3 + 1e-9).
        // c = r = 6, but the ratio (6 + 1e-15) / (6 + 1e-9) is just below 1: a penalty of exp(1 - 1/ratio) ~ 1 - 1.7e-10.
        var scores = Score(("the cat sat on the mat", ["the cat is on the mat"]));
        var penalty = Math.Exp(1 - (6 + Small) / (6 + Tiny));
        var p = new[] { (5 + Tiny) / (6 + Small), (3 + Tiny) / (5 + Small), (1 + Tiny) / (4 + Small), Tiny / (3 + Small) };
        Assert.Equal(5.0 / 6, scores[0], 9);
        Assert.Equal(Math.Sqrt(0.5), scores[1], 9);
        Assert.Equal(0.5, scores[2], 9);
        Assert.Equal(Math.Pow(p[0] * p[1] * p[2] * p[3], 0.25) * penalty, scores[3], 15);
    }

    [Fact]
    public void Repeated_words_are_clipped_to_the_reference_count()
    {
        // "the the the the" vs "the cat": "the" counts once -> 1/4; bigram "the the" x3 never matches -> 0/3.
        // c = 4 > r = 2: no brevity penalty.
        var scores = Score(("the the the the", ["the cat"]));
        Assert.Equal(0.25, scores[0], 9);
        Assert.Equal(Math.Sqrt((1 + Tiny) / (4 + Small) * (Tiny / (3 + Small))), scores[1], 15);
    }

    [Fact]
    public void Closest_reference_length_breaks_ties_towards_the_shorter()
    {
        // hyp of 3 tokens, refs of 2 and 4 tokens: both 1 away, the shorter (2) wins, so c > r and no penalty.
        // Every unigram is in the 4-token reference: BLEU-1 = 1. (The longer one would give exp(1 - 4/3) = 0.7165.)
        var scores = Score(("a b c", ["a b", "a b c d"]));
        Assert.Equal(1.0, scores[0], 9);
    }

    [Fact]
    public void Several_references_use_the_maximum_count_and_the_closest_length()
    {
        // hyp "a b c" (3), refs of 5 and 2 tokens: closest is 2, so no penalty. All uni-, bi- and trigrams match
        // the first reference; no 4-gram exists: (0 + 1e-15) / (0 + 1e-9) = 1e-6, so BLEU-4 = (1e-6)^(1/4).
        // (Each precision is (k + 1e-15) / (k + 1e-9), about 1 - 1e-9/k, hence 8 decimals.)
        var scores = Score(("a b c", ["a b c d e", "a b"]));
        Assert.Equal(1.0, scores[2], 8);
        Assert.Equal(Math.Pow(Tiny / Small, 0.25), scores[3], 8);
    }

    [Fact]
    public void Corpus_brevity_penalty_sums_lengths_and_an_empty_prediction_adds_only_reference_length()
    {
        // S1: "a b" vs "a b c d" (c 2, r 4); S2: "" vs "x y" (c 0, r 2). Corpus c = 2, r = 6: penalty exp(1 - 6/2) = e^-2.
        // Unigrams 2/2, bigrams 1/1, trigrams and 4-grams 0/0 -> 1e-6 each.
        var scores = Score(("a b", ["a b c d"]), ("", ["x y"]));
        var penalty = Math.Exp(-2);
        Assert.Equal(penalty, scores[0], 9);
        Assert.Equal(penalty, scores[1], 9);
        Assert.Equal(Math.Pow(1e-6, 1.0 / 3) * penalty, scores[2], 9);
        Assert.Equal(Math.Pow(1e-12, 0.25) * penalty, scores[3], 9);
    }

    [Fact]
    public void Only_empty_predictions_score_zero()
    {
        // c = 0: the ratio 1e-15 / (1 + 1e-9) gives exp(1 - 1e15) = 0.
        Assert.All(Score(("", ["a"])), s => Assert.Equal(0.0, s));
    }
}
