using static TorchSharp.torch;

namespace CxrVL.Data.Loading;

/// <summary>Images [B, C, H, W] (float32, normalised) and the source rows they came from.</summary>
public sealed class ImageBatch(Tensor images, IReadOnlyList<int> rows) : IDisposable
{
    public Tensor Images { get; } = images;

    public IReadOnlyList<int> Rows { get; } = rows;

    public void Dispose() => Images.Dispose();
}
