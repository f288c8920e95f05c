using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// FCOS predictions at every location of every pyramid level, levels concatenated: class logits [B, P, K], distances to
/// the box sides (left, top, right, bottom) in pixels [B, P, 4], centre-ness logits [B, P]; <see cref="Points"/> [P, 2]
/// are the locations (x, y) in input pixels and <see cref="Strides"/> [P] their level's stride.
/// </summary>
public sealed record FcosOutput(Tensor ClassLogits, Tensor Distances, Tensor Centerness, Tensor Points, Tensor Strides) : IDisposable
{
    public void Dispose()
    {
        foreach (var tensor in new[] { ClassLogits, Distances, Centerness, Points, Strides })
            tensor.Dispose();
    }
}
