using CxrVL.Configuration;
using CxrVL.Generation;
using CxrVL.Generation.Decoding;
using CxrVL.Imaging;
using CxrVL.Runs;
using CxrVL.Text;
using CxrVL.Training.Checkpoints;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// A trained report-generation model with everything it needs from its run folder (recipe, word vocabulary), so
/// generating a report takes only images: <c>ReportGenerator.Load(run).GenerateFromFiles(["a.png"])</c>.
/// </summary>
public sealed class ReportGenerator : IDisposable
{
    private ReportGenerator(RrgConfig config, WordVocabulary vocabulary, IReportModel model, string weights, string runDirectory, Device device, int views)
    {
        Config = config;
        RunDirectory = runDirectory;
        Vocabulary = vocabulary;
        Model = model;
        Weights = weights;
        Device = device;
        Views = views;
    }

    public RrgConfig Config { get; }

    public WordVocabulary Vocabulary { get; }

    public IReportModel Model { get; }

    public string Weights { get; }

    /// <summary>The <c>rrg train</c> run folder the weights belong to (its <c>config.yaml</c> and vocabulary).</summary>
    public string RunDirectory { get; }

    public Device Device { get; }

    /// <summary>Image slots per study the model was trained with.</summary>
    public int Views { get; }

    /// <summary>Loads <c>--checkpoint</c>: a run folder (best checkpoint, else latest), a checkpoint folder or a weights file in a run.</summary>
    public static ReportGenerator Load(string checkpoint, Device device)
    {
        var weights = CheckpointStore.ResolveWeights(checkpoint);
        var runFolder = FindRunFolder(weights);
        var config = ConfigLoader.Load<RrgConfig>(Path.Combine(runFolder, "config.yaml"));
        var vocabulary = WordVocabulary.Load(Path.Combine(runFolder, ReportTraining.VocabularyFile));
        var views = config.Data.Views == Data.Loading.StudyViews.Pair ? 2 : 1;
        var model = ReportGenerationMethods.Create(config.Method, config.Model, vocabulary.VocabularySize, views);
        model.Model.to(device);
        using (var state = CheckpointReader.Read(weights))
            StateDictLoader.Load(model.Model, state);
        model.Model.eval();
        return new ReportGenerator(config, vocabulary, model, weights, runFolder, device, views);
    }

    /// <summary>Decodes reports for a batch of studies (images [B, C, H, W] or [B, S, C, H, W]).</summary>
    public IReadOnlyList<string> Generate(Tensor images, Tensor? present, Tensor? labels = null, DecodingConfig? decoding = null)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var context = Model.Encode(images.to(Device), present?.to(Device), labels?.to(Device));
        return SequenceDecoder.Decode(context, decoding ?? Config.Decoding).Select(d => Vocabulary.Decode(d.Words)).ToList();
    }

    /// <summary>The image recipe's pipeline the model reads its images with (evaluation mode).</summary>
    public ImagePipeline Pipeline() => ImageRecipes.BuiltIn.Get(Config.Data.ImageRecipe).Pipeline(train: false);

    /// <summary>One study's report from its image files (one per view: frontal first, then lateral).</summary>
    public string GenerateFromFiles(IReadOnlyList<string> imagePaths, DecodingConfig? decoding = null)
    {
        CheckViewCount(imagePaths.Count);
        var pipeline = Pipeline();
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
        return GenerateFromPixels(views, decoding);
    }

    /// <summary>One study's report from its views as <see cref="Pipeline"/> writes them (frontal first, then lateral).</summary>
    public string GenerateFromPixels(IReadOnlyList<float[]> views, DecodingConfig? decoding = null)
    {
        CheckViewCount(views.Count);
        var recipe = Pipeline().Recipe;
        var pixelCount = recipe.Channels * recipe.Size * recipe.Size;
        var pixels = new float[Views * pixelCount];
        for (var v = 0; v < views.Count; v++)
            views[v].CopyTo(pixels, v * pixelCount);
        using var scope = NewDisposeScope();
        var images = Views == 1
            ? tensor(pixels, [1, recipe.Channels, recipe.Size, recipe.Size])
            : tensor(pixels, [1, Views, recipe.Channels, recipe.Size, recipe.Size]);
        var present = Views == 1 ? null : tensor(Enumerable.Range(0, Views).Select(v => v < views.Count).ToArray(), [1, Views]);
        return Generate(images, present, null, decoding)[0];
    }

    private void CheckViewCount(int count)
    {
        if (count == 0 || count > Views)
            throw new CxrVLException($"this model takes {(Views == 1 ? "one image" : $"1 to {Views} images (frontal, then lateral)")} per study; got {count}.");
    }

    public void Dispose() => Model.Dispose();

    private static string FindRunFolder(string weights) =>
        RunFolder.FindAbove(weights, dir => File.Exists(Path.Combine(dir, "config.yaml")) && File.Exists(Path.Combine(dir, ReportTraining.VocabularyFile)))
        ?? throw new CxrVLException($"no run folder with config.yaml and {ReportTraining.VocabularyFile} above '{weights}': pass a checkpoint of a 'cxrvl rrg train' run.");
}
