namespace CxrVL.Imaging;

/// <summary>
/// An image with the masks and boxes that must move with it. Every geometric transform applies to all three, so a
/// box drawn into a mask stays aligned with it. Masks are resampled with nearest neighbour.
/// </summary>
public sealed class ImageSample : IDisposable
{
    public ImageSample(PixelImage image, IReadOnlyList<PixelImage>? masks = null, IReadOnlyList<BoundingBox>? boxes = null)
    {
        Image = image;
        Masks = masks?.ToList() ?? [];
        Boxes = boxes?.ToList() ?? [];
        foreach (var mask in Masks)
        {
            if (mask.Width != image.Width || mask.Height != image.Height)
                throw new ArgumentException($"mask is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}.", nameof(masks));
        }
    }

    public PixelImage Image { get; }

    public List<PixelImage> Masks { get; }

    public List<BoundingBox> Boxes { get; }

    public int Width => Image.Width;

    public int Height => Image.Height;

    public void Dispose()
    {
        Image.Dispose();
        foreach (var mask in Masks)
            mask.Dispose();
    }
}
