using static TorchSharp.torch;

namespace CxrVL.Generation.Decoding;

/// <summary>
/// A model's encoded batch of studies, ready to be asked for next-word distributions. Word id 0 is the begin and the
/// end marker (R2Gen's vocabulary convention).
/// </summary>
public interface IDecodingContext : IDisposable
{
    /// <summary>Studies encoded.</summary>
    int BatchSize { get; }

    /// <summary>Log-probabilities [N, V] of the word after each prefix.</summary>
    /// <param name="prefixes">[N, t] word ids, each starting with the begin marker 0.</param>
    /// <param name="studies">[N] int64: the study (row of the encoded batch) each prefix belongs to.</param>
    Tensor NextLogProbs(Tensor prefixes, Tensor studies);
}
