using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// A batch of image-report pairs: images [B, C, H, W], the reports' tokens, and the pairs' row indices in their source.
/// Multi-view, sequence-aware batches (MedST) also carry each study's lateral image [B, C, H, W] (zeros where absent),
/// <see cref="HasLateral"/> [B] and <see cref="SequenceItems"/>: the leading pairs that form complete study sequences.
/// </summary>
public sealed record AlignmentBatch(Tensor Images, TextInput Text, IReadOnlyList<int> Rows) : IDisposable
{
    public long Size => Images.shape[0];

    public Tensor? Lateral { get; init; }

    public Tensor? HasLateral { get; init; }

    /// <summary>Pairs at the start of the batch that are complete sequences, chunk after chunk, each oldest first (0: none).</summary>
    public int SequenceItems { get; init; }

    public void Dispose()
    {
        Images.Dispose();
        Text.Dispose();
        Lateral?.Dispose();
        HasLateral?.Dispose();
    }
}
