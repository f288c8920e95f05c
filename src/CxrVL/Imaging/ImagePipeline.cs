namespace CxrVL.Imaging;

/// <summary>
/// One recipe in one mode (train or eval): decodes a file, runs the steps on the image with its masks and boxes, and
/// writes normalised floats into a caller's buffer. Stateless apart from the recipe, so one instance serves all
/// loader workers.
/// </summary>
public sealed class ImagePipeline
{
    public ImagePipeline(ImageRecipe recipe, bool train)
    {
        Recipe = recipe;
        IsTrain = train;
        Steps = train ? recipe.Train : recipe.Eval;
        OpenCvThreading.UseCallerThreads();
    }

    public ImageRecipe Recipe { get; }

    public bool IsTrain { get; }

    public IReadOnlyList<Transforms.IImageTransform> Steps { get; }

    /// <summary>Floats one image takes: channels x size x size.</summary>
    public int PixelCount => Recipe.Channels * Recipe.Size * Recipe.Size;

    /// <summary>Decodes, transforms and writes one image file.</summary>
    /// <param name="checkJpegData">Walk a JPEG's coded data for damage first (see <see cref="ImageDecoder"/>); a caller that
    /// already checked this file may skip it.</param>
    public void Load(string path, TransformRandom random, Span<float> destination, bool checkJpegData = true)
    {
        using var sample = new ImageSample(ImageDecoder.Decode(path, Recipe.Decode, checkJpegData));
        Transform(sample, random);
        Write(sample.Image, destination, path);
    }

    /// <summary>Decodes, transforms and writes one image held in memory (an upload); <paramref name="source"/> names it in errors.</summary>
    public void Load(ReadOnlySpan<byte> data, string source, TransformRandom random, Span<float> destination)
    {
        using var sample = new ImageSample(ImageDecoder.Decode(data, source, Recipe.Decode));
        Transform(sample, random);
        Write(sample.Image, destination, source);
    }

    public void Transform(ImageSample sample, TransformRandom random)
    {
        foreach (var step in Steps)
            step.Apply(sample, random);
    }

    public void Write(PixelImage image, Span<float> destination, string source)
    {
        if (image.Width != Recipe.Size || image.Height != Recipe.Size)
            throw new ImageDecodeException(source,
                $"recipe '{Recipe.Name}' produced {image.Width}x{image.Height}, not {Recipe.Size}x{Recipe.Size}; its last step must fix the size");
        PixelWriter.Write(image, destination, Recipe.Channels, Recipe.Normalization);
    }
}
