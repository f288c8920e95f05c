using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// What a <see cref="ResNet"/> returns. <see cref="Pooled"/> is the feature before <c>fc</c> (average pooled, or
/// attention pooled when configured); <see cref="Logits"/> is <c>fc</c>'s output when the model has one.
/// <see cref="Maps"/> holds the intermediate maps, finest first: stem (after <c>relu</c>, before <c>maxpool</c>),
/// then <c>layer1</c> to <c>layer4</c>, for local features and U-Net skips.
/// </summary>
public sealed record ResNetFeatures(Tensor Pooled, Tensor? Logits, IReadOnlyList<Tensor> Maps)
{
    /// <summary>The last stage's map (<c>layer4</c>), e.g. [N, 2048, 7, 7] for ResNet-50 at 224.</summary>
    public Tensor Last => Maps[^1];
}
