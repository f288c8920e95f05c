namespace CxrVL.Imaging.Transforms;

/// <summary>One step of an image recipe; changes the sample's image, masks and boxes in place.</summary>
public interface IImageTransform
{
    void Apply(ImageSample sample, TransformRandom random);
}
