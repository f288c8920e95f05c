using CxrVL.Generation.Decoding;
using static TorchSharp.torch;

namespace CxrVL.Tests.Generation;

/// <summary>
/// A tiny language model for decoding tests: the next-word log-probabilities are a function of the study and the
/// whole prefix, given by <paramref name="scores"/> and normalised with a log-softmax.
/// </summary>
internal sealed class TableDecodingContext(int studies, int vocabulary, Func<int, IReadOnlyList<int>, double[]> scores) : IDecodingContext
{
    public int Calls { get; private set; }

    public int BatchSize => studies;

    public Tensor NextLogProbs(Tensor prefixes, Tensor rows)
    {
        Calls++;
        var n = (int)prefixes.shape[0];
        var length = (int)prefixes.shape[1];
        var ids = prefixes.data<long>().ToArray();
        var study = rows.data<long>().ToArray();
        var values = new double[n * vocabulary];
        for (var r = 0; r < n; r++)
        {
            var prefix = ids.Skip(r * length + 1).Take(length - 1).Select(v => (int)v).ToList();
            scores((int)study[r], prefix).CopyTo(values, r * vocabulary);
        }
        return tensor(values, [n, vocabulary]).log_softmax(-1).to_type(ScalarType.Float32);
    }

    public void Dispose()
    {
    }

    /// <summary>Deterministic pseudo-random scores in [-2, 2] per (study, prefix, word).</summary>
    public static double[] Hashed(int study, IReadOnlyList<int> prefix, int vocabulary, int seed)
    {
        var hash = (ulong)(seed * 7919 + study * 104729 + 17);
        foreach (var word in prefix)
            hash = hash * 6364136223846793005UL + (ulong)word + 1442695040888963407UL;
        var random = new Random((int)(hash ^ (hash >> 32)));
        return Enumerable.Range(0, vocabulary).Select(_ => random.NextDouble() * 4 - 2).ToArray();
    }
}
