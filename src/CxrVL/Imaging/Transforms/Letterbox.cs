namespace CxrVL.Imaging.Transforms;

/// <summary>
/// Scales the longer side to <see cref="Size"/> (the shorter to floor(size * short / long)) and zero-pads to a
/// square: centred, the extra pixel right/bottom (MGCA/MedST <c>resize_img</c>), or all padding right/bottom
/// (mmseg's <c>Pad</c>, MRM SIIM) when <see cref="Centered"/> is false.
/// </summary>
public sealed record Letterbox(int Size, Interpolation Interpolation = Interpolation.Area, bool Centered = true) : IImageTransform
{
    public void Apply(ImageSample sample, TransformRandom random)
    {
        var (width, height) = sample.Height >= sample.Width
            ? ((int)((long)sample.Width * Size / sample.Height), Size)
            : (Size, (int)((long)sample.Height * Size / sample.Width));
        Geometry.Resize(sample, Math.Max(1, width), Math.Max(1, height), Interpolation);
        var left = Centered ? (Size - sample.Width) / 2 : 0;
        var top = Centered ? (Size - sample.Height) / 2 : 0;
        Geometry.Crop(sample, -left, -top, Size, Size);
    }
}
