using static TorchSharp.torch;

namespace CxrVL.Generation.Decoding;

/// <summary>Forbids, per hypothesis, every word that would complete a trigram the hypothesis already holds.</summary>
internal static class TrigramBlocker
{
    public static void Apply(Tensor logProbs, IReadOnlyList<IReadOnlyList<int>> histories)
    {
        var rows = new List<long>();
        var words = new List<long>();
        for (var r = 0; r < histories.Count; r++)
        {
            var h = histories[r];
            if (h.Count < 3)
                continue;
            var (a, b) = (h[^2], h[^1]);
            for (var i = 0; i + 2 < h.Count; i++)
            {
                if (h[i] == a && h[i + 1] == b)
                {
                    rows.Add(r);
                    words.Add(h[i + 2]);
                }
            }
        }
        if (rows.Count == 0)
            return;
        using var rowIndex = tensor(rows.ToArray(), device: logProbs.device);
        using var wordIndex = tensor(words.ToArray(), device: logProbs.device);
        using var blocked = tensor(float.NegativeInfinity, logProbs.dtype, logProbs.device);
        logProbs.index_put_(blocked, rowIndex, wordIndex);
    }
}
