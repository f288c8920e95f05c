using static TorchSharp.torch;

namespace CxrVL.Generation.Decoding;

/// <summary>
/// Greedy, sampling and beam-search decoding over any <see cref="IDecodingContext"/>, for a whole batch of studies at
/// once, with minimum and maximum lengths and optional trigram blocking. Beam search keeps the <c>BeamSize</c> best
/// unfinished reports per study and stops a study when its best finished report scores at least its best unfinished
/// one (log-probabilities only fall, so nothing better can follow); reports reaching <c>MaxLength</c> finish there.
/// </summary>
public static class SequenceDecoder
{
    public static IReadOnlyList<DecodedReport> Decode(IDecodingContext context, DecodingConfig config)
    {
        if (config.MaxLength < 1)
            throw new CxrVLException($"decoding.max_length must be at least 1 (got {config.MaxLength}).");
        if (config.MinLength > config.MaxLength)
            throw new CxrVLException($"decoding.min_length ({config.MinLength}) exceeds decoding.max_length ({config.MaxLength}).");
        return config.Strategy switch
        {
            DecodingStrategy.Beam when config.BeamSize > 1 => Beam(context, config),
            DecodingStrategy.Sample => Stepwise(context, config, sample: true),
            _ => Stepwise(context, config, sample: false),
        };
    }

    private static IReadOnlyList<DecodedReport> Stepwise(IDecodingContext context, DecodingConfig config, bool sample)
    {
        if (sample && config.Temperature <= 0)
            throw new CxrVLException($"decoding.temperature must be positive (got {config.Temperature}).");
        var n = context.BatchSize;
        var words = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var scores = new double[n];
        var done = new bool[n];
        using var studies = arange(n, ScalarType.Int64);
        for (var t = 0; t < config.MaxLength && done.Contains(false); t++)
        {
            using var scope = NewDisposeScope();
            var logProbs = NextLogProbs(context, words, studies, t, config);
            var chosen = sample
                ? (logProbs / config.Temperature).softmax(-1).multinomial(1).squeeze(1)
                : logProbs.argmax(-1);
            var chosenScores = logProbs.gather(1, chosen.unsqueeze(1)).squeeze(1).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            var chosenWords = chosen.cpu().data<long>().ToArray();
            for (var i = 0; i < n; i++)
            {
                if (done[i])
                    continue;
                scores[i] += chosenScores[i];
                if (chosenWords[i] == 0)
                    done[i] = true;
                else
                    words[i].Add((int)chosenWords[i]);
            }
        }
        return Enumerable.Range(0, n).Select(i => new DecodedReport(words[i], scores[i])).ToList();
    }

    private static IReadOnlyList<DecodedReport> Beam(IDecodingContext context, DecodingConfig config)
    {
        var n = context.BatchSize;
        var k = config.BeamSize;
        var alive = Enumerable.Range(0, n).Select(_ => new List<DecodedReport> { new([], 0) }).ToArray();
        var finished = Enumerable.Range(0, n).Select(_ => new List<DecodedReport>()).ToArray();
        var done = new bool[n];
        for (var t = 0; t < config.MaxLength && done.Contains(false); t++)
        {
            using var scope = NewDisposeScope();
            var rows = new List<(int Study, int Beam)>();
            for (var s = 0; s < n; s++)
            {
                if (!done[s])
                    rows.AddRange(alive[s].Select((_, b) => (s, b)));
            }
            var histories = rows.Select(r => alive[r.Study][r.Beam].Words).ToList();
            var studies = tensor(rows.Select(r => (long)r.Study).ToArray());
            var logProbs = NextLogProbs(context, histories, studies, t, config);
            var vocabulary = logProbs.shape[1];
            var totals = logProbs + tensor(rows.Select(r => (float)alive[r.Study][r.Beam].LogProbability).ToArray(), device: logProbs.device).unsqueeze(1);

            // Every study's beams side by side, absent beams at -inf, so one top-k serves the whole batch.
            var slots = tensor(rows.Select(r => (long)(r.Study * k + r.Beam)).ToArray(), device: logProbs.device);
            var grid = full(n * k, vocabulary, float.NegativeInfinity, logProbs.dtype, logProbs.device).index_copy(0, slots, totals);
            var candidates = (int)Math.Min(2L * k, k * vocabulary);
            var (values, indices) = grid.view(n, k * vocabulary).topk(candidates, dim: 1);
            var topValues = values.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            var topIndices = indices.cpu().data<long>().ToArray();

            for (var s = 0; s < n; s++)
            {
                if (done[s])
                    continue;
                var next = new List<DecodedReport>(k);
                for (var c = 0; c < candidates && next.Count < k; c++)
                {
                    var score = topValues[s * candidates + c];
                    if (double.IsNegativeInfinity(score))
                        break;
                    var beam = alive[s][(int)(topIndices[s * candidates + c] / vocabulary)];
                    var word = (int)(topIndices[s * candidates + c] % vocabulary);
                    if (word == 0)
                        finished[s].Add(beam with { LogProbability = score });
                    else
                        next.Add(new DecodedReport([.. beam.Words, word], score));
                }
                alive[s] = next;
                var bestFinished = finished[s].Count == 0 ? double.NegativeInfinity : finished[s].Max(h => h.LogProbability);
                done[s] = next.Count == 0 || bestFinished >= next.Max(h => h.LogProbability);
            }
        }
        return Enumerable.Range(0, n)
            .Select(s => finished[s].Concat(done[s] ? [] : alive[s]).MaxBy(h => h.LogProbability) ?? new DecodedReport([], double.NegativeInfinity))
            .ToList();
    }

    /// <summary>Next-word log-probabilities of the given word histories, with length limits and trigram blocks applied.</summary>
    private static Tensor NextLogProbs(IDecodingContext context, IReadOnlyList<IReadOnlyList<int>> histories, Tensor studies, int step,
                                       DecodingConfig config)
    {
        var prefixes = new long[histories.Count * (step + 1)];
        for (var r = 0; r < histories.Count; r++)
        {
            var h = histories[r];
            for (var i = 0; i < h.Count; i++)
                prefixes[r * (step + 1) + 1 + i] = h[i];
        }
        var logProbs = context.NextLogProbs(tensor(prefixes, [histories.Count, step + 1]), studies).clone();
        if (step < config.MinLength)
            logProbs[.., 0] = float.NegativeInfinity;
        if (config.BlockTrigrams)
            TrigramBlocker.Apply(logProbs, histories);
        return logProbs;
    }
}
