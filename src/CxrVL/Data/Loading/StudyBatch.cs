using static TorchSharp.torch;

namespace CxrVL.Data.Loading;

/// <summary>
/// A batch of studies. <see cref="Images"/> is [B, C, H, W] for <see cref="StudyViews.Frontal"/>, and [B, S, C, H, W]
/// with <see cref="ImagePresent"/> [B, S] for pairs (S = 2: frontal, lateral) and sequences (S = length, oldest
/// first, absent slots zero). Token ids and attention mask are [B, L] int64, padded to the longest report; labels
/// [B, K] float with <see cref="LabelMentioned"/>; masks [B, M, H, W] in {0, 1}; boxes [B, N, 4] (x0, y0, x1, y1 in
/// output pixels) with <see cref="BoxLabels"/> [B, N] (-1: padding or an unlisted label). Absent parts are null.
/// </summary>
public sealed class StudyBatch : IDisposable
{
    public required Tensor Images { get; init; }

    public Tensor? ImagePresent { get; init; }

    public Tensor? TokenIds { get; init; }

    public Tensor? AttentionMask { get; init; }

    public Tensor? Labels { get; init; }

    public Tensor? LabelMentioned { get; init; }

    public Tensor? Masks { get; init; }

    public Tensor? Boxes { get; init; }

    public Tensor? BoxLabels { get; init; }

    public required IReadOnlyList<int> Rows { get; init; }

    public required IReadOnlyList<string> StudyIds { get; init; }

    /// <summary>The encoded report texts, for methods that split sentences themselves.</summary>
    public required IReadOnlyList<string?> Reports { get; init; }

    public int Count => Rows.Count;

    public void Dispose()
    {
        foreach (var tensor in new[] { Images, ImagePresent, TokenIds, AttentionMask, Labels, LabelMentioned, Masks, Boxes, BoxLabels })
            tensor?.Dispose();
    }
}
