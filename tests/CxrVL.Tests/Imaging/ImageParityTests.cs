using CxrVL.Imaging;
using CxrVL.Imaging.Transforms;
using Xunit.Abstractions;

namespace CxrVL.Tests.Imaging;

/// <summary>
/// Our decode and transforms against PIL/torchvision (and pydicom) on the same files. Differences are in gray levels
/// (1/255 of the [0, 1] range) before normalisation, so they read the same for every recipe; "exact" allows 1e-3
/// for float rounding of the normalisation.
/// </summary>
public sealed class ImageParityTests(TorchvisionReference reference, ITestOutputHelper output) : IClassFixture<TorchvisionReference>
{
    [Fact]
    public void Jpeg_decodes_to_the_same_pixels_as_pil()
    {
        using var image = ImageDecoder.Decode(TestImages.Jpeg, ColorMode.Gray);
        var expected = reference.Read("decoded");
        var actual = new float[image.Width * image.Height];
        PixelWriter.Write(image, actual, 1, new Normalization([0f], [1f / 255]));

        var (max, mean) = Difference(expected, actual, 1);
        // libjpeg-turbo in OpenCV and in Pillow decode to the same levels (the slack is float rounding).
        Assert.True(max < 1e-3, $"max difference {max} levels");
    }

    [Fact]
    public void Crop_flip_and_normalise_match_torchvision_exactly()
    {
        var recipe = Custom(200, 1, Normalization.Uniform(0.5f, 0.25f), new CenterCrop(200), new HorizontalFlip(1.0));
        var (max, _) = Compare(recipe, "crop_flip", std: 0.25);
        Assert.True(max < 1e-4, $"max difference {max} gray levels");
    }

    [Theory]
    [InlineData(Interpolation.Linear, "resize_pil")]
    [InlineData(Interpolation.Cubic, "resize_bicubic")]
    public void Resize_matches_pil(Interpolation interpolation, string name)
    {
        // 312x256 to 300x300: one axis shrinks (antialiased window), the other enlarges.
        var (max, _) = Compare(Custom(300, 1, Normalization.None, new Resize(300, 300, interpolation)), name, std: 1);
        Assert.True(max < 1e-3, $"max difference {max} gray levels");
    }

    [Fact]
    public void Resize_matches_torch_antialiased_interpolation_within_a_level()
    {
        // torch computes the same filter in float; Pillow (and we) round to 8 bits after each pass: at most two
        // half-level roundings, plus float noise.
        var (max, mean) = Compare(Custom(300, 1, Normalization.None, new Resize(300, 300)), "resize_torch", std: 1);
        Assert.True(max <= 1.001, $"max difference {max} gray levels");
        Assert.True(mean <= 0.5, $"mean difference {mean} gray levels");
    }

    [Fact]
    public void Prior_eval_recipe_matches_torchvision_pil_pipeline()
    {
        var (max, _) = Compare(ImageRecipes.BuiltIn.Get("prior"), "prior_eval", std: 0.3011, train: false);
        Assert.True(max < 1e-3, $"max difference {max} gray levels");
    }

    [Fact]
    public void Imagenet_eval_recipe_matches_torchvision_pil_pipeline()
    {
        // This image's shorter side is already 256: decode, gray-to-RGB, crop and normalise only, so exact.
        var (max, _) = Compare(ImageRecipes.BuiltIn.Get("imagenet"), "imagenet_eval", std: 0.229, train: false);
        Assert.True(max < 1e-3, $"max difference {max} gray levels");
    }

    [Fact]
    public void Ten_fold_shrink_matches_torchvision_pil_pipeline()
    {
        // 2373x2373 RGB to 256x256, every channel: a window of ~19 source pixels per output pixel.
        var (max, _) = Compare(ImageRecipes.BuiltIn.Get("imagenet"), "large_eval", std: 0.229, train: false, TestImages.LargeJpeg);
        Assert.True(max < 1e-3, $"max difference {max} gray levels");
    }

    [Fact]
    public void Dicom_decodes_to_the_same_pixels_as_pydicom()
    {
        using var image = ImageDecoder.Decode(TestImages.Dicom, ColorMode.Gray);
        Assert.Equal((1024, 1024, 1, 8), (image.Width, image.Height, image.Channels, image.BitDepth));
        var actual = new float[1024 * 1024];
        PixelWriter.Write(image, actual, 1, new Normalization([0f], [1f / 255]));

        var (max, mean) = Difference(reference.Read("dicom"), actual, 1);
        Assert.True(max <= 1, $"max difference {max} levels");
        Assert.True(mean <= 0.01, $"mean difference {mean} levels");
    }

    private (double Max, double Mean) Compare(ImageRecipe recipe, string name, double std, bool train = true, string? image = null)
    {
        var pipeline = recipe.Pipeline(train);
        var actual = new float[pipeline.PixelCount];
        pipeline.Load(image ?? TestImages.Jpeg, new TransformRandom(1), actual);
        // A normalised difference times std is a difference on [0, 1]; times 255 in gray levels.
        return Difference(reference.Read(name), actual, 255 * std);
    }

    private (double Max, double Mean) Difference(float[] expected, float[] actual, double scale)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0, sum = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs(expected[i] - actual[i]) * scale;
            max = Math.Max(max, d);
            sum += d;
        }
        output.WriteLine($"max {max:F4}, mean {sum / expected.Length:F4}");
        return (max, sum / expected.Length);
    }

    private static ImageRecipe Custom(int size, int channels, Normalization normalization, params IImageTransform[] steps) =>
        new("test", "test", size, channels, ColorMode.Gray, normalization, steps, steps);
}
