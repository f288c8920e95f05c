namespace CxrVL.Models;

/// <summary>
/// CLIP's <c>AttentionPool2d</c>: a mean token attends over the <see cref="SpatialSize"/>² map positions plus
/// itself, with a learned position embedding. PRIOR: 7 x 7 map of a 224 image, 8 heads, output 2048.
/// </summary>
public sealed record AttentionPoolConfig
{
    public int SpatialSize { get; init; } = 7;

    public int Heads { get; init; } = 8;

    /// <summary>Width of <c>c_proj</c>'s output; null keeps the input channel count.</summary>
    public int? OutputDim { get; init; }
}
