using CxrVL.Imaging;

namespace CxrVL.Tests.Imaging;

public sealed class ImageRecipesTests
{
    public static TheoryData<string> Names => new(ImageRecipes.BuiltIn.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_recipe_turns_a_real_image_into_its_tensor_size(string name)
    {
        var recipe = ImageRecipes.BuiltIn.Get(name);
        foreach (var train in new[] { true, false })
        {
            var pipeline = recipe.Pipeline(train);
            var pixels = new float[pipeline.PixelCount];
            pipeline.Load(TestImages.Jpeg, new TransformRandom(3), pixels);
            Assert.All(pixels, v => Assert.True(float.IsFinite(v)));
            // Each output channel spans more than one value: the image went through, not padding alone.
            var plane = recipe.Size * recipe.Size;
            for (var c = 0; c < recipe.Channels; c++)
            {
                var channel = pixels.AsSpan(c * plane, plane);
                Assert.True(channel.ToArray().Distinct().Count() > 10, $"{name} channel {c}");
            }
        }
    }

    [Fact]
    public void Prior_constants_are_applied_to_one_gray_channel()
    {
        var recipe = ImageRecipes.BuiltIn.Get("prior");
        using var image = PixelImage.FromGray8(Enumerable.Repeat((byte)200, 224 * 224).ToArray(), 224, 224);
        var pixels = new float[224 * 224];

        recipe.Pipeline(train: false).Write(image, pixels, "constant");

        // (200/255 - 0.4755) / 0.3011 by hand = 1.0256...
        Assert.Equal((200f / 255 - 0.4755f) / 0.3011f, pixels[12345], 5);
        Assert.Equal(1, recipe.Channels);
    }

    [Fact]
    public void Gray_is_copied_to_three_channels_with_per_channel_constants()
    {
        var recipe = ImageRecipes.BuiltIn.Get("xpronet");
        using var image = PixelImage.FromGray8(Enumerable.Repeat((byte)51, 224 * 224).ToArray(), 224, 224);
        var pixels = new float[3 * 224 * 224];

        recipe.Pipeline(train: false).Write(image, pixels, "constant");

        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        for (var c = 0; c < 3; c++)
            Assert.Equal((0.2f - mean[c]) / std[c], pixels[c * 224 * 224 + 7], 5);
    }

    [Fact]
    public void Unknown_recipe_names_the_closest()
    {
        var error = Assert.Throws<CxrVLException>(() => ImageRecipes.BuiltIn.Get("mcga"));
        Assert.Contains("'mgca'", error.Message);
    }
}
