using CxrVL.Imaging;

namespace CxrVL.Data.Loading;

/// <summary>Image files through one recipe pipeline, one sample per file (classification folders, benchmarks).</summary>
public sealed class ImageFileSource(IReadOnlyList<string> paths, ImagePipeline pipeline) : ISampleSource<PixelBuffer>
{
    public int Count => paths.Count;

    public ImagePipeline Pipeline => pipeline;

    public PixelBuffer Load(int index, TransformRandom random)
    {
        var buffer = new PixelBuffer(pipeline.PixelCount);
        try
        {
            pipeline.Load(paths[index], random, buffer.Span);
            return buffer;
        }
        catch (ImageDecodeException e)
        {
            buffer.Dispose();
            throw BadRows.FromImage(index.ToString(System.Globalization.CultureInfo.InvariantCulture), e);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }
}
