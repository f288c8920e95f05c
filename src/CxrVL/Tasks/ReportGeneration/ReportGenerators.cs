using CxrVL.Generation.Decoding;
using CxrVL.Imaging;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>Report text from images for any <see cref="IReportGenerator"/>: a batch of tensors, one study's pixels or its image files.</summary>
public static class ReportGenerators
{
    /// <summary>Decodes reports for a batch of studies (images [B, C, H, W] or [B, S, C, H, W]).</summary>
    public static IReadOnlyList<string> Generate(this IReportGenerator generator, Tensor images, Tensor? present, DecodingConfig? decoding = null)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var context = generator.Encode(images, present);
        return Decode(generator, context, decoding);
    }

    /// <summary>Decodes an encoded batch with <paramref name="decoding"/> (default: the run's recipe) into report text.</summary>
    internal static IReadOnlyList<string> Decode(IReportGenerator generator, IDecodingContext context, DecodingConfig? decoding) =>
        SequenceDecoder.Decode(context, decoding ?? generator.Config.Decoding).Select(d => generator.Vocabulary.Decode(d.Words)).ToList();

    /// <summary>The image recipe's pipeline the model reads its images with (evaluation mode).</summary>
    public static ImagePipeline Pipeline(this IReportGenerator generator) => ImageRecipes.BuiltIn.Get(generator.Config.Data.ImageRecipe).Pipeline(train: false);

    /// <summary>One study's report from its image files (one per view: frontal first, then lateral).</summary>
    public static string GenerateFromFiles(this IReportGenerator generator, IReadOnlyList<string> imagePaths, DecodingConfig? decoding = null)
    {
        CheckViewCount(generator, imagePaths.Count);
        var pipeline = generator.Pipeline();
        var views = new List<float[]>();
        foreach (var path in imagePaths)
        {
            if (!File.Exists(path))
                throw new CxrVLException($"image '{path}' does not exist.");
            var pixels = new float[pipeline.PixelCount];
            try
            {
                pipeline.Load(path, new TransformRandom(0), pixels);
            }
            catch (ImageDecodeException e)
            {
                throw new CxrVLException(e.Message, e);
            }
            views.Add(pixels);
        }
        return generator.GenerateFromPixels(views, decoding);
    }

    /// <summary>One study's report from its views as <see cref="Pipeline"/> writes them (frontal first, then lateral).</summary>
    public static string GenerateFromPixels(this IReportGenerator generator, IReadOnlyList<float[]> views, DecodingConfig? decoding = null)
    {
        CheckViewCount(generator, views.Count);
        var recipe = generator.Pipeline().Recipe;
        var pixelCount = recipe.Channels * recipe.Size * recipe.Size;
        var slots = generator.Views;
        var pixels = new float[slots * pixelCount];
        for (var v = 0; v < views.Count; v++)
            views[v].CopyTo(pixels, v * pixelCount);
        using var scope = NewDisposeScope();
        var images = slots == 1
            ? tensor(pixels, [1, recipe.Channels, recipe.Size, recipe.Size])
            : tensor(pixels, [1, slots, recipe.Channels, recipe.Size, recipe.Size]);
        var present = slots == 1 ? null : tensor(Enumerable.Range(0, slots).Select(v => v < views.Count).ToArray(), [1, slots]);
        return generator.Generate(images, present, decoding)[0];
    }

    private static void CheckViewCount(IReportGenerator generator, int count)
    {
        if (count == 0 || count > generator.Views)
            throw new CxrVLException($"this model takes {(generator.Views == 1 ? "one image" : $"1 to {generator.Views} images (frontal, then lateral)")} per study; got {count}.");
    }
}
