using System.Runtime.InteropServices;
using CxrVL.Imaging;
using static TorchSharp.torch;

namespace CxrVL.Data.Loading;

/// <summary>Copies each sample's pixels once, straight into the batch tensor's memory.</summary>
public sealed class ImageBatchCollator(ImageRecipe recipe) : IBatchCollator<PixelBuffer, ImageBatch>
{
    public ImageBatch Collate(IReadOnlyList<PixelBuffer> samples, IReadOnlyList<int> rows)
    {
        var images = empty([samples.Count, recipe.Channels, recipe.Size, recipe.Size], ScalarType.Float32);
        var target = MemoryMarshal.Cast<byte, float>(images.bytes);
        var size = recipe.Channels * recipe.Size * recipe.Size;
        for (var i = 0; i < samples.Count; i++)
            samples[i].Span.CopyTo(target.Slice(i * size, size));
        return new ImageBatch(images, rows.ToArray());
    }
}
