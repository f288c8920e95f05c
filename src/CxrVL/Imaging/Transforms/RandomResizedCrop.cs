namespace CxrVL.Imaging.Transforms;

/// <summary>
/// torchvision's <c>RandomResizedCrop</c>: up to ten tries at a window of area fraction in [ScaleMin, ScaleMax] and
/// log-uniform aspect ratio in [RatioMin, RatioMax], else a centre crop clamped to the ratio range; then resized to
/// <see cref="Size"/> x <see cref="Size"/>.
/// </summary>
public sealed record RandomResizedCrop(
    int Size,
    double ScaleMin = 0.08,
    double ScaleMax = 1.0,
    double RatioMin = 3.0 / 4.0,
    double RatioMax = 4.0 / 3.0,
    Interpolation Interpolation = Interpolation.Linear) : IImageTransform
{
    public void Apply(ImageSample sample, TransformRandom random)
    {
        var (x, y, w, h) = Window(sample.Width, sample.Height, random);
        Geometry.Crop(sample, x, y, w, h);
        Geometry.Resize(sample, Size, Size, Interpolation);
    }

    internal (int X, int Y, int Width, int Height) Window(int width, int height, TransformRandom random)
    {
        double area = (double)width * height;
        var logLow = Math.Log(RatioMin);
        var logHigh = Math.Log(RatioMax);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * random.Uniform(ScaleMin, ScaleMax);
            var aspect = Math.Exp(random.Uniform(logLow, logHigh));
            var w = (int)Math.Round(Math.Sqrt(target * aspect), MidpointRounding.ToEven);
            var h = (int)Math.Round(Math.Sqrt(target / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
                return (random.NextInt(width - w + 1), random.NextInt(height - h + 1), w, h);
        }
        var ratio = (double)width / height;
        var (cw, ch) = ratio < RatioMin
            ? (width, (int)Math.Round(width / RatioMin, MidpointRounding.ToEven))
            : ratio > RatioMax
                ? ((int)Math.Round(height * RatioMax, MidpointRounding.ToEven), height)
                : (width, height);
        return ((width - cw) / 2, (height - ch) / 2, cw, ch);
    }
}
