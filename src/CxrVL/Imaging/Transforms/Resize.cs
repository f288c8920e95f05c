namespace CxrVL.Imaging.Transforms;

/// <summary>
/// Resizes to <see cref="Width"/> x <see cref="Height"/>; with <see cref="ShorterSide"/> set instead, scales the
/// shorter side to it and the longer side to floor(size * long / short), as torchvision's <c>Resize(int)</c>.
/// </summary>
public sealed record Resize(int Width, int Height, Interpolation Interpolation = Interpolation.Linear, int ShorterSide = 0)
    : IImageTransform
{
    public static Resize Shorter(int size, Interpolation interpolation = Interpolation.Linear) =>
        new(0, 0, interpolation, size);

    public void Apply(ImageSample sample, TransformRandom random)
    {
        var (width, height) = ShorterSide > 0 ? ScaleShorter(sample.Width, sample.Height, ShorterSide) : (Width, Height);
        Geometry.Resize(sample, width, height, Interpolation);
    }

    internal static (int Width, int Height) ScaleShorter(int width, int height, int size) =>
        width <= height
            ? (size, (int)((long)size * height / width))
            : ((int)((long)size * width / height), size);
}
