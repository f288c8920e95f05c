namespace CxrVL.Imaging.Transforms;

/// <summary>Crops a uniformly placed window; an image smaller than the window is zero-padded (right/bottom) first.</summary>
public sealed record RandomCrop(int Width, int Height) : IImageTransform
{
    public RandomCrop(int size) : this(size, size) { }

    public void Apply(ImageSample sample, TransformRandom random)
    {
        var left = random.NextInt(Math.Max(0, sample.Width - Width) + 1);
        var top = random.NextInt(Math.Max(0, sample.Height - Height) + 1);
        Geometry.Crop(sample, left, top, Width, Height);
    }
}
