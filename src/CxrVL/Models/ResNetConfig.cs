namespace CxrVL.Models;

/// <summary>
/// Shape of a torchvision-style ResNet. <see cref="BlocksPerStage"/> and <see cref="Bottleneck"/> pick the depth
/// (ResNet-18: 2-2-2-2 basic blocks; ResNet-50: 3-4-6-3 bottlenecks); <see cref="Classes"/> null leaves out
/// <c>fc</c> (a bare backbone, as PRIOR uses it); <see cref="AttentionPool"/> replaces average pooling with
/// CLIP's attention pooling.
/// </summary>
public sealed record ResNetConfig
{
    public required IReadOnlyList<int> BlocksPerStage { get; init; }

    public required bool Bottleneck { get; init; }

    public int InputChannels { get; init; } = 3;

    /// <summary>Channels after the stem; each stage doubles the previous one's base width.</summary>
    public int BaseWidth { get; init; } = 64;

    public int? Classes { get; init; }

    public AttentionPoolConfig? AttentionPool { get; init; }

    public double BatchNormEps { get; init; } = 1e-5;

    public double BatchNormMomentum { get; init; } = 0.1;

    /// <summary>Bottleneck blocks widen their output by this factor (torchvision's <c>expansion</c>).</summary>
    public int Expansion => Bottleneck ? 4 : 1;

    /// <summary>Channels of the last stage's map (512 for ResNet-18, 2048 for ResNet-50/101).</summary>
    public int FeatureChannels => BaseWidth * 8 * Expansion;

    public static ResNetConfig ResNet18(int? classes = null) =>
        new() { BlocksPerStage = [2, 2, 2, 2], Bottleneck = false, Classes = classes };

    public static ResNetConfig ResNet50(int? classes = null) =>
        new() { BlocksPerStage = [3, 4, 6, 3], Bottleneck = true, Classes = classes };

    public static ResNetConfig ResNet101(int? classes = null) =>
        new() { BlocksPerStage = [3, 4, 23, 3], Bottleneck = true, Classes = classes };

    /// <summary>The named architectures of <c>cxrvl weights forward</c>: resnet18, resnet50, resnet101.</summary>
    public static ResNetConfig Named(string name, int? classes = null) => name.ToLowerInvariant() switch
    {
        "resnet18" => ResNet18(classes),
        "resnet50" => ResNet50(classes),
        "resnet101" => ResNet101(classes),
        _ => throw new CxrVLException($"unknown ResNet '{name}': use resnet18, resnet50 or resnet101."),
    };
}
