namespace CxrVL.Imaging.Transforms;

/// <summary>
/// torchvision's <c>RandomAffine</c> without shear: rotation by U(-Degrees, Degrees) about the image centre, scale
/// U(ScaleMin, ScaleMax), and a translation of up to Translate x size, rounded to whole pixels; the uncovered border
/// is zero. torchvision's default kernel is nearest, kept here.
/// </summary>
public sealed record RandomAffine(
    double Degrees,
    double Translate = 0,
    double ScaleMin = 1,
    double ScaleMax = 1,
    Interpolation Interpolation = Interpolation.Nearest) : IImageTransform
{
    public void Apply(ImageSample sample, TransformRandom random)
    {
        var angle = random.Uniform(-Degrees, Degrees) * Math.PI / 180;
        var tx = Math.Round(random.Uniform(-Translate * sample.Width, Translate * sample.Width), MidpointRounding.ToEven);
        var ty = Math.Round(random.Uniform(-Translate * sample.Height, Translate * sample.Height), MidpointRounding.ToEven);
        var scale = random.Uniform(ScaleMin, ScaleMax);
        var cx = (sample.Width - 1) / 2.0;
        var cy = (sample.Height - 1) / 2.0;
        var cos = scale * Math.Cos(angle);
        var sin = scale * Math.Sin(angle);
        var matrix = new double[,]
        {
            { cos, -sin, cx - cos * cx + sin * cy + tx },
            { sin, cos, cy - sin * cx - cos * cy + ty },
        };
        Geometry.Warp(sample, matrix, Interpolation);
    }
}
