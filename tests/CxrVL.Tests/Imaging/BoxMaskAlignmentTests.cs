using CxrVL.Imaging;
using CxrVL.Imaging.Transforms;

namespace CxrVL.Tests.Imaging;

/// <summary>
/// A box drawn into a mask must stay where the transformed box says after every geometric step: the mask's
/// nonzero extent is the independent truth for the box arithmetic, and the image carries the same drawing.
/// </summary>
public sealed class BoxMaskAlignmentTests
{
    private static readonly BoundingBox Drawn = new(40, 30, 121, 90, "lesion");

    public static TheoryData<string, IImageTransform[]> Steps => new()
    {
        { "flip", [new HorizontalFlip(1.0)] },
        { "center crop", [new CenterCrop(150, 110)] },
        { "crop beyond the image", [new CenterCrop(260, 180)] },
        { "random crop", [new RandomCrop(140, 100)] },
        { "resize up", [new Resize(333, 251)] },
        { "resize down", [new Resize(100, 77)] },
        { "resize shorter side", [Resize.Shorter(97)] },
        { "letterbox centred", [new Letterbox(256)] },
        { "letterbox corner", [new Letterbox(160, Interpolation.Linear, Centered: false)] },
        { "random resized crop", [new RandomResizedCrop(128, 0.5, 1.0)] },
        { "translate and scale", [new RandomAffine(0, Translate: 0.1, ScaleMin: 0.8, ScaleMax: 1.2)] },
        { "mgca train", [new Letterbox(256), new RandomCrop(224), new HorizontalFlip(1.0)] },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void Box_stays_on_its_mask(string name, IImageTransform[] steps)
    {
        for (var seed = 0UL; seed < 5; seed++)
        {
            using var sample = Drawing();
            var random = new TransformRandom(seed);
            foreach (var step in steps)
                step.Apply(sample, random);

            var box = sample.Boxes[0];
            var extent = Extent(sample.Masks[0]);
            Assert.True(extent is not null, $"{name}: the mask left the image");
            // One pixel of slack: the mask is resampled on whole pixels, the box in real coordinates.
            Assert.True(Near(box.X0, extent!.Value.X0) && Near(box.Y0, extent.Value.Y0) && Near(box.X1, extent.Value.X1) && Near(box.Y1, extent.Value.Y1),
                $"{name} (seed {seed}): box {box} vs mask extent {extent}");
            Assert.Equal("lesion", box.Label);
            var drawn = Extent(sample.Image)!.Value;
            Assert.True(Near(drawn.X0, extent.Value.X0) && Near(drawn.Y0, extent.Value.Y0) && Near(drawn.X1, extent.Value.X1) && Near(drawn.Y1, extent.Value.Y1),
                $"{name} (seed {seed}): image extent {drawn} vs mask extent {extent}");
        }
    }

    [Fact]
    public void Rotated_box_is_the_hull_of_its_mask()
    {
        for (var seed = 0UL; seed < 5; seed++)
        {
            using var sample = Drawing();
            new RandomAffine(15).Apply(sample, new TransformRandom(seed));

            var box = sample.Boxes[0];
            var extent = Extent(sample.Masks[0])!.Value;
            // The rotated rectangle's corners lie on the hull, so the hull of the warped corners is its extent.
            Assert.True(Near(box.X0, extent.X0) && Near(box.Y0, extent.Y0) && Near(box.X1, extent.X1) && Near(box.Y1, extent.Y1),
                $"seed {seed}: box {box} vs mask extent {extent}");
        }
    }

    /// <summary>A 200x150 image and mask with the box filled in (image 200, mask 255) on zero.</summary>
    private static ImageSample Drawing()
    {
        var image = new byte[200 * 150];
        var mask = new byte[200 * 150];
        for (var y = (int)Drawn.Y0; y < (int)Drawn.Y1; y++)
        {
            for (var x = (int)Drawn.X0; x < (int)Drawn.X1; x++)
            {
                image[y * 200 + x] = 200;
                mask[y * 200 + x] = 255;
            }
        }
        return new ImageSample(PixelImage.FromGray8(image, 200, 150), [PixelImage.FromGray8(mask, 200, 150)], [Drawn]);
    }

    /// <summary>Edge-coordinate extent of the pixels at or above half the drawn value.</summary>
    private static BoundingBox? Extent(PixelImage image)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (image.Get(x, y) < 100)
                    continue;
                x0 = Math.Min(x0, x);
                y0 = Math.Min(y0, y);
                x1 = Math.Max(x1, x + 1);
                y1 = Math.Max(y1, y + 1);
            }
        }
        return x1 < 0 ? null : new BoundingBox(x0, y0, x1, y1);
    }

    private static bool Near(float a, float b) => Math.Abs(a - b) <= 1.01f;
}
