using CxrVL.Generation.Decoding;

namespace CxrVL.Tests.Generation;

public sealed class SequenceDecoderTests
{
    private const int Vocabulary = 4;

    /// <summary>Every report of at most <paramref name="maxLength"/> words (ending at the end marker or at the limit) and its log-probability.</summary>
    private static IEnumerable<(List<int> Words, double Score)> AllReports(TableDecodingContext context, int study, int maxLength)
    {
        var frontier = new List<(List<int> Words, double Score)> { ([], 0) };
        for (var t = 0; t < maxLength; t++)
        {
            var next = new List<(List<int>, double)>();
            foreach (var (words, score) in frontier)
            {
                using var prefix = TorchSharp.torch.tensor(new long[] { 0 }.Concat(words.Select(w => (long)w)).ToArray(), [1, words.Count + 1]);
                using var rows = TorchSharp.torch.tensor(new long[] { study });
                using var logProbs = context.NextLogProbs(prefix, rows);
                var values = logProbs.to_type(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray();
                yield return (words, score + values[0]);
                for (var w = 1; w < Vocabulary; w++)
                    next.Add(([.. words, w], score + values[w]));
            }
            frontier = next;
        }
        foreach (var report in frontier)
            yield return report;
    }

    [Fact]
    public void BeamWideEnoughEqualsExhaustiveSearchForEveryStudyOfABatch()
    {
        const int maxLength = 4;
        var context = new TableDecodingContext(3, Vocabulary, (s, p) => TableDecodingContext.Hashed(s, p, Vocabulary, 1));
        // (V - 1)^maxLength beams keep every unfinished report, so nothing is ever pruned.
        var config = new DecodingConfig { Strategy = DecodingStrategy.Beam, BeamSize = 81, MaxLength = maxLength, BlockTrigrams = false };

        var decoded = SequenceDecoder.Decode(context, config);

        for (var study = 0; study < 3; study++)
        {
            var best = AllReports(context, study, maxLength).MaxBy(r => r.Score);
            Assert.Equal(best.Words, decoded[study].Words);
            Assert.Equal(best.Score, decoded[study].LogProbability, 4);
        }
    }

    [Fact]
    public void BeamOfOneIsGreedyAndBeamThreeScoresAtLeastAsWell()
    {
        var context = new TableDecodingContext(5, Vocabulary, (s, p) => TableDecodingContext.Hashed(s, p, Vocabulary, 2));
        var greedy = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = DecodingStrategy.Greedy, MaxLength = 6, BlockTrigrams = false });
        var beamOne = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = DecodingStrategy.Beam, BeamSize = 1, MaxLength = 6, BlockTrigrams = false });
        var beamThree = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = DecodingStrategy.Beam, BeamSize = 3, MaxLength = 6, BlockTrigrams = false });

        for (var s = 0; s < 5; s++)
        {
            Assert.Equal(greedy[s].Words, beamOne[s].Words);
            Assert.True(beamThree[s].LogProbability >= greedy[s].LogProbability - 1e-5);
        }
    }

    [Fact]
    public void BatchedBeamEqualsOneStudyAtATime()
    {
        Func<int, IReadOnlyList<int>, double[]> scores = (s, p) => TableDecodingContext.Hashed(s, p, Vocabulary, 3);
        var config = new DecodingConfig { Strategy = DecodingStrategy.Beam, BeamSize = 3, MaxLength = 8 };
        var batched = SequenceDecoder.Decode(new TableDecodingContext(4, Vocabulary, scores), config);
        for (var s = 0; s < 4; s++)
        {
            var study = s;
            var single = SequenceDecoder.Decode(new TableDecodingContext(1, Vocabulary, (_, p) => scores(study, p)), config);
            Assert.Equal(single[0].Words, batched[s].Words);
        }
    }

    /// <summary>A model that always prefers word 1 after word 2 (or at the start) and word 2 after word 1, and ends only late.</summary>
    private static double[] Alternating(IReadOnlyList<int> prefix) =>
        (prefix.Count == 0 || prefix[^1] == 2) ? [0, 3, 2, 1] : [0, 2, 3, 1];

    [Theory]
    [InlineData(DecodingStrategy.Greedy)]
    [InlineData(DecodingStrategy.Beam)]
    public void TrigramBlockingForbidsRepeatingATrigram(DecodingStrategy strategy)
    {
        var context = new TableDecodingContext(1, Vocabulary, (_, p) => Alternating(p));
        var open = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = strategy, MaxLength = 6, BlockTrigrams = false });
        var blocked = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = strategy, MaxLength = 6, BlockTrigrams = true });

        Assert.Equal([1, 2, 1, 2, 1, 2], open[0].Words);
        // After "1 2 1 2", word 1 would repeat "2 1 2"'s predecessor trigram "1 2 1": the next best, 2, repeats nothing;
        // then "2 2" is new, and word 1 gives "2 2 1" (new).
        var words = blocked[0].Words;
        var trigrams = Enumerable.Range(0, words.Count - 2).Select(i => (words[i], words[i + 1], words[i + 2])).ToList();
        Assert.Equal(trigrams.Count, trigrams.Distinct().Count());
        if (strategy == DecodingStrategy.Greedy)
            Assert.Equal([1, 2, 1, 2, 2, 1], words);
    }

    [Fact]
    public void LengthLimitsHold()
    {
        // The end marker is the best word everywhere.
        var context = new TableDecodingContext(2, Vocabulary, (_, _) => [5, 1, 0, 0]);
        var unconstrained = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = DecodingStrategy.Beam, MaxLength = 5 });
        var atLeastThree = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = DecodingStrategy.Beam, MinLength = 3, MaxLength = 5 });
        var noEnd = new TableDecodingContext(2, Vocabulary, (_, _) => [-5, 1, 0, 0]);
        var capped = SequenceDecoder.Decode(noEnd, new DecodingConfig { Strategy = DecodingStrategy.Greedy, MaxLength = 4, BlockTrigrams = false });

        Assert.All(unconstrained, r => Assert.Empty(r.Words));
        Assert.All(atLeastThree, r => Assert.Equal(3, r.Words.Count));
        Assert.All(capped, r => Assert.Equal([1, 1, 1, 1], r.Words));
        Assert.Throws<CxrVLException>(() => SequenceDecoder.Decode(context, new DecodingConfig { MinLength = 6, MaxLength = 5 }));
    }
}
