namespace CxrVL.Imaging.Transforms;

/// <summary>Mirrors left-right with the given probability.</summary>
public sealed record HorizontalFlip(double Probability = 0.5) : IImageTransform
{
    public void Apply(ImageSample sample, TransformRandom random)
    {
        if (random.Chance(Probability))
            Geometry.FlipHorizontal(sample);
    }
}
