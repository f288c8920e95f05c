using CxrVL.Imaging;

namespace CxrVL.Data.Loading;

/// <summary>One row, loaded: pixel buffers per image slot (null where absent), token ids, labels, masks and boxes.</summary>
public sealed class StudySample(int row, string studyId) : IDisposable
{
    public int Row { get; } = row;

    public string StudyId { get; } = studyId;

    public PixelBuffer?[] Images { get; init; } = [];

    public string? Report { get; init; }

    public IReadOnlyList<int>? Tokens { get; init; }

    public float[] Labels { get; init; } = [];

    public bool[] LabelMentioned { get; init; } = [];

    /// <summary>Mask channels (MaskLabels x size x size), 0 or 1; null without mask labels.</summary>
    public PixelBuffer? Masks { get; init; }

    public IReadOnlyList<BoundingBox> Boxes { get; init; } = [];

    public void Dispose()
    {
        foreach (var image in Images)
            image?.Dispose();
        Masks?.Dispose();
    }
}
