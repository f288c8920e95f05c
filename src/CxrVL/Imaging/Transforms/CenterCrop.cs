namespace CxrVL.Imaging.Transforms;

/// <summary>Crops the centre (offsets rounded half-to-even, as torchvision); zero-pads when the image is smaller.</summary>
public sealed record CenterCrop(int Width, int Height) : IImageTransform
{
    public CenterCrop(int size) : this(size, size) { }

    public void Apply(ImageSample sample, TransformRandom random)
    {
        var left = (int)Math.Round((sample.Width - Width) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((sample.Height - Height) / 2.0, MidpointRounding.ToEven);
        Geometry.Crop(sample, left, top, Width, Height);
    }
}
