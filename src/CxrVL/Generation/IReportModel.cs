using CxrVL.Generation.Decoding;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>A report-generation model: trainable by the shared trainer, and able to encode studies for decoding.</summary>
public interface IReportModel : ITrainingMethod<ReportBatch>
{
    /// <summary>
    /// Encodes a batch of studies for <see cref="SequenceDecoder"/> (call in evaluation mode, without gradients).
    /// </summary>
    /// <param name="images">[B, C, H, W] or [B, S, C, H, W].</param>
    /// <param name="present">[B, S] for several views; null when every view is present.</param>
    /// <param name="labels">[B, K] prototype-selection labels; null to use the model's own image classifier.</param>
    IDecodingContext Encode(Tensor images, Tensor? present, Tensor? labels);

    /// <summary>One pooled visual feature per study [B, D] (views averaged), for retrieval and prototype initialisation.</summary>
    Tensor PooledFeatures(Tensor images, Tensor? present);
}
