using CxrVL.Generation.Decoding;
using CxrVL.Text;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// A trained report generator, whatever runs it: the TorchSharp model (<see cref="ReportGenerator"/>) or the graphs
/// <c>cxrvl export onnx --part rrg</c> wrote, under ONNX Runtime (<c>OnnxReportGenerator</c>). Both decode with
/// <see cref="SequenceDecoder"/>; <see cref="ReportGenerators"/> turns images into report text.
/// </summary>
public interface IReportGenerator : IDisposable
{
    /// <summary>The <c>rrg train</c> recipe of the run (image recipe, views, decoding).</summary>
    RrgConfig Config { get; }

    WordVocabulary Vocabulary { get; }

    /// <summary>The checkpoint the weights came from.</summary>
    string Weights { get; }

    /// <summary>Image slots per study the model was trained with.</summary>
    int Views { get; }

    /// <summary>
    /// Encodes a batch of studies (images [B, C, H, W] or [B, S, C, H, W], <paramref name="present"/> [B, S] or null when
    /// every view is present) for decoding; XProNet's prototypes are selected by its own image classifier.
    /// </summary>
    IDecodingContext Encode(Tensor images, Tensor? present);
}
