using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// How a method turns report texts into <see cref="TextInput"/> when one fixed-length tokenisation is not enough
/// (PRIOR: sentence lists, shuffled in training, with a token-to-sentence map).
/// </summary>
public interface IReportBatcher
{
    /// <summary>Whether a report can be used to train this method (PRIOR: enough sentences).</summary>
    bool Keeps(string report);

    /// <summary>Encodes a batch; <paramref name="shuffle"/> is null in evaluation (reports kept as written).</summary>
    TextInput Encode(IReadOnlyList<string> reports, Random? shuffle, Device device);
}
