using CxrVL.Imaging;

namespace CxrVL.Tests.Imaging;

public sealed class ImageDecoderTests
{
    [Fact]
    public void Sixteen_bit_png_keeps_every_value()
    {
        var folder = TestImages.TempFolder();
        var path = Path.Combine(folder, "sixteen.png");
        // Values above 255 and odd low bits: any reduction to 8 bits would lose them.
        static int Value(int x, int y) => (x * 4099 + y * 257 + 1) % 65536;
        TestImages.WriteGrayPng(path, 37, 23, 16, Value);

        using var image = ImageDecoder.Decode(path, ColorMode.Gray);

        Assert.Equal((37, 23, 1, 16), (image.Width, image.Height, image.Channels, image.BitDepth));
        Assert.Equal(65535, image.MaxValue);
        for (var y = 0; y < 23; y++)
            for (var x = 0; x < 37; x++)
                Assert.Equal(Value(x, y), image.Get(x, y));
    }

    [Fact]
    public void Sixteen_bit_values_normalise_on_the_full_scale()
    {
        var folder = TestImages.TempFolder();
        var path = Path.Combine(folder, "levels.png");
        TestImages.WriteGrayPng(path, 3, 1, 16, (x, _) => new[] { 0, 32768, 65535 }[x]);
        using var image = ImageDecoder.Decode(path, ColorMode.Gray);
        var output = new float[3];

        PixelWriter.Write(image, output, 1, Normalization.Uniform(0.5f, 0.25f));

        // (v / 65535 - 0.5) / 0.25 by hand.
        Assert.Equal(-2f, output[0], 5);
        Assert.Equal((32768f / 65535 - 0.5f) / 0.25f, output[1], 5);
        Assert.Equal(2f, output[2], 5);
    }

    [Fact]
    public void Eight_bit_png_and_jpeg_decode_by_content_not_name()
    {
        var folder = TestImages.TempFolder();
        var png = Path.Combine(folder, "looks-like.jpg");
        TestImages.WriteGrayPng(png, 5, 4, 8, (x, y) => x * 50 + y);
        using var fromPng = ImageDecoder.Decode(png, ColorMode.Gray);
        Assert.Equal((5, 4, 8), (fromPng.Width, fromPng.Height, fromPng.BitDepth));
        Assert.Equal(4 * 50 + 3, fromPng.Get(4, 3));

        // The COVID collection names some JPEGs .png; the header of this one says 312x256, one component.
        using var jpeg = ImageDecoder.Decode(TestImages.Jpeg, ColorMode.Color);
        Assert.Equal((312, 256, 1, 8), (jpeg.Width, jpeg.Height, jpeg.Channels, jpeg.BitDepth));
    }

    [Fact]
    public void Truncated_jpeg_is_an_error_naming_the_file()
    {
        var truncated = TestImages.Truncated(TestImages.Jpeg, TestImages.TempFolder());

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated, ColorMode.Gray));

        Assert.Contains(truncated, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.False(error.IsMissing);
    }

    [Fact]
    public void Truncated_png_is_an_error()
    {
        var folder = TestImages.TempFolder();
        var png = Path.Combine(folder, "whole.png");
        TestImages.WriteGrayPng(png, 64, 64, 8, (x, y) => (x * 7 + y * 13) % 256);
        var truncated = TestImages.Truncated(png, folder, 0.5);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated, ColorMode.Gray));
        Assert.Contains(truncated, error.Message);
    }

    [Fact]
    public void Missing_and_foreign_files_are_errors()
    {
        var folder = TestImages.TempFolder();
        var missing = Path.Combine(folder, "nope.jpg");
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(missing, ColorMode.Gray));
        Assert.True(error.IsMissing);
        Assert.Contains("not found", error.Message);

        var text = Path.Combine(folder, "notes.png");
        File.WriteAllText(text, "not an image at all");
        var foreign = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(text, ColorMode.Gray));
        Assert.Contains("not a JPEG, PNG or DICOM", foreign.Message);
    }

    [Fact]
    public void Truncated_dicom_is_an_error()
    {
        var truncated = TestImages.Truncated(TestImages.Dicom, TestImages.TempFolder(), 0.5);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated, ColorMode.Gray));
        Assert.Contains("DICOM", error.Message);
    }
}
