using CxrVL.Configuration;
using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Precision;
using CxrVL.Runs;
using CxrVL.Text;
using CxrVL.Training.Checkpoints;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Pretraining;

/// <summary>A trained (or, with no weights, untrained) image-report model with its recipe and tokenizer, ready to embed.</summary>
public sealed class PretrainedModel : IDisposable
{
    /// <summary>Where a run keeps the vocabulary it trained (<c>model.text.train_vocabulary</c>).</summary>
    public const string TrainedTokenizerFile = "tokenizer.json";

    private PretrainedModel(PretrainConfig config, IPretrainingMethod method, ITextTokenizer tokenizer, PairReading reading, string? weights,
                            string? runDirectory)
    {
        Config = config;
        Method = method;
        Tokenizer = tokenizer;
        Reading = reading;
        Weights = weights;
        RunDirectory = runDirectory;
    }

    public PretrainConfig Config { get; }

    public IPretrainingMethod Method { get; }

    public ITextTokenizer Tokenizer { get; }

    /// <summary>The image recipe and report text the model was trained on, as evaluation reads them.</summary>
    public PairReading Reading { get; }

    /// <summary>The weights file loaded, or null for an untrained model.</summary>
    public string? Weights { get; }

    /// <summary>The method's own report encoding (PRIOR's sentence maps), or null for plain tokenisation.</summary>
    public IReportBatcher? ReportBatcher => Method.ReportBatcher(Tokenizer, Config.Model.Text.MaxLength);

    /// <summary>The run folder the model came from (its config.yaml and a trained tokenizer live there), if any.</summary>
    public string? RunDirectory { get; }

    /// <summary>
    /// Loads a model from <c>--checkpoint</c>: a run folder, a checkpoint folder or a weights file inside a run folder. The
    /// recipe comes from the run's <c>config.yaml</c>; weights load strictly.
    /// </summary>
    /// <param name="precision">The arithmetic of its forward passes (<see cref="Precision"/>).</param>
    public static PretrainedModel Load(string checkpoint, Device device, PretrainingMethods? methods = null, TrainingPrecision precision = TrainingPrecision.Fp32)
    {
        var (config, weights, runDirectory) = LoadRecipe(checkpoint, methods);
        var model = Build(config, device, runDirectory, methods);
        using var state = CheckpointReader.Read(weights);
        StateDictLoader.Load(model.Method.Model, state);
        model.Method.Model.eval();
        return new PretrainedModel(config, model.Method, model.Tokenizer, model.Reading, weights, model.RunDirectory) { Precision = precision };
    }

    /// <summary>
    /// The recipe of <c>--checkpoint</c> without building the model: its <c>config.yaml</c>, the weights file it resolves to and
    /// the run folder (what ONNX Runtime needs beside the exported graphs: the tokenizer and the image recipe).
    /// </summary>
    public static (PretrainConfig Config, string Weights, string RunDirectory) LoadRecipe(string checkpoint, PretrainingMethods? methods = null)
    {
        var weights = CheckpointStore.ResolveWeights(checkpoint);
        var runConfig = FindRunConfig(weights);
        return (PretrainRecipes.LoadRun(runConfig, methods), weights, Path.GetDirectoryName(runConfig)!);
    }

    /// <summary>
    /// A freshly initialised model of a recipe: the untrained baseline every evaluation is compared with.
    /// <paramref name="runDirectory"/> supplies the vocabulary of a recipe that trains its own.
    /// </summary>
    public static PretrainedModel Untrained(PretrainConfig config, Device device, int seed, string? runDirectory = null, PretrainingMethods? methods = null)
    {
        manual_seed(seed);
        var model = Build(config, device, runDirectory, methods);
        model.Method.Model.eval();
        return model;
    }

    /// <summary>
    /// The recipe's architecture with its encoders' initial weights (<c>model.image.init</c>, <c>model.text.init</c>) and
    /// everything else fresh: what the pretrained encoders give before any image-report training.
    /// </summary>
    public static PretrainedModel Initialised(PretrainConfig config, Device device, int seed, string? runDirectory = null, PretrainingMethods? methods = null)
    {
        var model = Untrained(config, device, seed, runDirectory, methods);
        if (EncoderInit.Load(model.Method, config.Model) is null)
            throw new CxrVLException("the recipe names no initial weights (model.image.init, model.text.init).");
        model.Method.Model.eval();
        return model;
    }

    /// <summary>The recipe's tokenizer: its <c>model.text.tokenizer</c>, or the vocabulary a run trained (in <paramref name="runDirectory"/>).</summary>
    public static ITextTokenizer LoadTokenizer(PretrainConfig config, string? runDirectory)
    {
        if (config.Model.Text.TrainVocabulary is null)
            return Tokenizers.Load(Pretraining.ResolveDataPath(config.Model.Text.Tokenizer));
        var path = runDirectory is null ? null : Path.Combine(runDirectory, TrainedTokenizerFile);
        return path is not null && File.Exists(path)
            ? Tokenizers.Load(path)
            : throw new CxrVLException($"this recipe trains its vocabulary (model.text.train_vocabulary), but no {TrainedTokenizerFile} was found in the run folder '{runDirectory}'.");
    }

    private static PretrainedModel Build(PretrainConfig config, Device device, string? runDirectory, PretrainingMethods? methods)
    {
        var tokenizer = LoadTokenizer(config, runDirectory);
        var text = TextEncoder.Configure(config.Model.Text, tokenizer.VocabularySize);
        methods ??= PretrainingMethods.BuiltIn;
        var method = methods.Create(config.Model, text);
        method.Model.to(device);
        return new PretrainedModel(config, method, tokenizer, PairReading.Of(config.Data, methods), null, runDirectory);
    }

    /// <summary>
    /// The arithmetic of this model's forward passes: <see cref="TrainingPrecision.Fp32"/>, or
    /// <see cref="TrainingPrecision.Bf16Mixed"/> (products and convolutions in bfloat16, as under training's autocast).
    /// Embeddings and scores come out in float32 either way. Setting a mixed precision puts the ResNets channels-last
    /// (<see cref="MixedPrecisionLayout"/>).
    /// </summary>
    public TrainingPrecision Precision
    {
        get => _precision;
        set
        {
            MixedPrecisionLayout.Prepare(Method.Model, value);
            _precision = value;
        }
    }

    private TrainingPrecision _precision = TrainingPrecision.Fp32;

    /// <summary>Image embeddings of a batch, in <see cref="Precision"/>, returned in float32.</summary>
    public Tensor ImageEmbeddings(Tensor images)
    {
        using (Autocast.Enable(Precision))
            return Autocast.Float32(Method.EmbedImages(images));
    }

    /// <summary>Report embeddings of a batch, in <see cref="Precision"/>, returned in float32.</summary>
    public Tensor TextEmbeddings(TextInput texts)
    {
        using (Autocast.Enable(Precision))
            return Autocast.Float32(Method.EmbedTexts(texts));
    }

    /// <summary>The global embeddings and the regions of a model with its own zero-shot protocol, in <see cref="Precision"/>, returned in float32.</summary>
    public ImageEncoding ImageRegions(IPromptScorer scorer, Tensor images)
    {
        using (Autocast.Enable(Precision))
        {
            var encoding = scorer.EmbedImageRegions(images);
            return new ImageEncoding(Autocast.Float32(encoding.Global), Autocast.Float32(encoding.Local));
        }
    }

    /// <summary>Embeds texts in batches, l2-normalised, [N, D] on the CPU.</summary>
    public Tensor EmbedTexts(IReadOnlyList<string> texts, Device device, int batchSize = 64)
    {
        var parts = new List<Tensor>();
        using var noGrad = no_grad();
        for (var start = 0; start < texts.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var input = EncodeTexts(texts.Skip(start).Take(batchSize).ToList(), device);
            parts.Add(TextEmbeddings(input).cpu().MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var part in parts)
            part.Dispose();
        return all;
    }

    /// <summary>
    /// An image file as the model's recipe reads it in evaluation (decoded, resized and normalised, no augmentation):
    /// [1, C, H, W] on the CPU.
    /// </summary>
    public Tensor LoadImageFile(string path)
    {
        if (!File.Exists(path))
            throw new CxrVLException($"image '{path}' does not exist.");
        var recipe = Reading.ImageRecipe;
        var pixels = new float[recipe.Channels * recipe.Size * recipe.Size];
        // The evaluation pipeline draws nothing at random; the source only satisfies the signature.
        recipe.Pipeline(train: false).Load(path, new TransformRandom(0), pixels);
        return tensor(pixels, [1, recipe.Channels, recipe.Size, recipe.Size]);
    }

    /// <summary>The l2-normalised embedding [D] (CPU) of one image file.</summary>
    public Tensor EmbedImageFile(string path, Device device)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Method.Model.eval();
        using var image = LoadImageFile(path);
        return ImageEmbeddings(image.to(device))[0].cpu().MoveToOuterDisposeScope();
    }

    /// <summary>Texts as the method reads them (in evaluation: sentences kept in order).</summary>
    public TextInput EncodeTexts(IReadOnlyList<string> texts, Device device)
    {
        texts = texts.Select(Reading.Text).ToList();
        if (ReportBatcher is { } reports)
            return reports.Encode(texts, null, device);
        return ReportTokens.Encode(Tokenizer, texts, Config.Model.Text.MaxLength, device);
    }

    public void Dispose() => Method.Dispose();

    private static string FindRunConfig(string weights) =>
        RunFolder.FindAbove(weights, dir => File.Exists(Path.Combine(dir, "config.yaml"))) is { } run
            ? Path.Combine(run, "config.yaml")
            : throw new CxrVLException($"no config.yaml found above '{weights}': pass a checkpoint inside a cxrvl run folder.");
}
