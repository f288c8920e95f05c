namespace CxrVL.Imaging.Transforms;

/// <summary>Crops the largest centred square (TorchXRayVision's <c>XRayCenterCrop</c>).</summary>
public sealed record SquareCrop : IImageTransform
{
    public void Apply(ImageSample sample, TransformRandom random)
    {
        var size = Math.Min(sample.Width, sample.Height);
        Geometry.Crop(sample, (sample.Width - size) / 2, (sample.Height - size) / 2, size, size);
    }
}
