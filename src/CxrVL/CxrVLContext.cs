using CxrVL.Configuration;
using CxrVL.Data.Manifest;
using CxrVL.Generation.Decoding;
using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Precision;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Embedding;
using CxrVL.Tasks.Finetuning;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Tasks.Retrieval;
using CxrVL.Tasks.ZeroShot;

namespace CxrVL;

/// <summary>
/// The library's entry point (after ML.NET's <c>MLContext</c>): pretrain, load, embed, zero-shot, retrieve, fine-tune, train
/// a report generator and generate in one call each, writing the same run folders as the command line, which calls it.
/// Each training call comes twice: into a new run folder it makes (<c>outFolder</c>), or into one the caller made (the
/// command line, which records its command there and handles Ctrl+C and failures itself). Nothing is printed: log lines and progress
/// arrive as <see cref="Log"/> events and each metrics line of a training run as a <see cref="Metrics"/> event, unless
/// <see cref="Console"/> names a writer to print them to.
/// </summary>
public sealed class CxrVLContext
{
    /// <param name="runtime">Seed, threads and device (the defaults: seed 0, the machine's threads, the CPU).</param>
    /// <param name="methods">The pretraining methods recipes may name: the built-in ones, or those plus your own (<see cref="PretrainingMethods.With"/>).</param>
    public CxrVLContext(RuntimeOptions? runtime = null, PretrainingMethods? methods = null)
        : this(TorchRuntime.Configure(runtime ?? new RuntimeOptions()), methods)
    {
    }

    /// <summary>With a runtime already configured (the command line configures it from its global options).</summary>
    public CxrVLContext(RuntimeContext runtime, PretrainingMethods? methods = null)
    {
        Runtime = runtime;
        Methods = methods ?? PretrainingMethods.BuiltIn;
    }

    public RuntimeContext Runtime { get; }

    public PretrainingMethods Methods { get; }

    /// <summary>Where log lines and progress are printed (a terminal draws live progress bars); null: only the <see cref="Log"/> event.</summary>
    public TextWriter? Console { get; init; }

    /// <summary>Each line a call reports as it works: a run's log lines, progress.</summary>
    public event EventHandler<RunLogEventArgs>? Log;

    /// <summary>Each metrics line of a training run (a step's losses, a validation's metrics) as it is written.</summary>
    public event EventHandler<RunMetricsEventArgs>? Metrics;

    private TextWriter Output => Console ?? new LineEventWriter(line => Log?.Invoke(this, new RunLogEventArgs(line)));

    /// <summary>
    /// A pretraining recipe: names under <c>configs/</c> (<c>pretrain/clip</c>) or files, later ones overriding earlier
    /// ones, then <c>key=value</c> overrides. The method is the one the recipes state, or <paramref name="method"/>.
    /// </summary>
    public PretrainConfig PretrainRecipe(IReadOnlyList<string> recipes, IEnumerable<string>? overrides = null, string? method = null) =>
        PretrainRecipes.Load(recipes.Select(RecipeLocator.Resolve).ToList(), overrides, method, Methods);

    /// <summary>A zero-shot task: a name under <c>configs/</c> (<c>zeroshot/covid-finding</c>) or a file, with overrides.</summary>
    public static ZeroShotConfig ZeroShotRecipe(string recipe, IEnumerable<string>? overrides = null) =>
        ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve(recipe), overrides);

    /// <summary>
    /// Pretrains on a manifest from <c>cxrvl data build</c> into a run folder (<paramref name="outFolder"/>, else a new
    /// <c>runs/&lt;name&gt;-&lt;time&gt;/</c>) holding config.yaml, metrics.jsonl, log.txt and checkpoints/, which
    /// <see cref="Load"/> reads back.
    /// </summary>
    public PretrainRun Pretrain(PretrainConfig config, string manifest, string? outFolder = null, string? initWeights = null,
                                CancellationToken cancellation = default)
    {
        Methods.Validate(config, Runtime.Distributed.WorldSize);
        _ = ManifestInfo.ReadFor(manifest);
        using var run = RunFolder.Create(config.Name, outFolder, console: Output);
        return LoggingFailure(run, () => Pretrain(run, config, manifest, initWeights: initWeights, cancellation: cancellation));
    }

    /// <summary>Pretrains into <paramref name="run"/>, or continues the run <paramref name="resumeFrom"/> there.</summary>
    public PretrainRun Pretrain(RunFolder run, PretrainConfig config, string manifest, string? resumeFrom = null, string? initWeights = null,
                                CancellationToken cancellation = default) =>
        Forwarding(run, () => new PretrainRun(run.Path,
            Pretraining.Run(config, manifest, run, Runtime, resumeFrom, initWeights, cancellation, Methods)));

    /// <summary>
    /// A fine-tuning recipe, as <c>cxrvl finetune --task</c> loads it: <c>configs/finetune/&lt;task&gt;.yaml</c>, then
    /// <paramref name="overlays"/> (names under <c>configs/</c> such as <c>finetune/small</c>, or files), then overrides.
    /// </summary>
    public static FinetuneConfig FinetuneRecipe(FinetuneTask task, IReadOnlyList<string>? overlays = null, IEnumerable<string>? overrides = null)
    {
        var config = ConfigLoader.LoadAll<FinetuneConfig>(Recipes($"finetune/{task.ToString().ToLowerInvariant()}", overlays), overrides);
        config.Task = task;
        return config;
    }

    /// <summary>
    /// Trains the recipe's task head (classification, segmentation, detection) on its encoder (<c>encoder.source</c>: random,
    /// a pretraining run or a weights file) for each seed and tests it: config.yaml, split.csv, metrics.json and one
    /// <c>seed-N/</c> folder per seed, as <c>cxrvl finetune</c> writes them. A diverged seed is listed in the result's
    /// <see cref="FinetuneResult.Divergences"/>, not thrown.
    /// </summary>
    public FinetuneRun Finetune(FinetuneConfig config, string manifest, string? outFolder = null, CancellationToken cancellation = default)
    {
        ConfigValidator.Validate(config);
        _ = ManifestInfo.ReadFor(manifest);
        using var run = RunFolder.Create(config.Name, outFolder, console: Output);
        run.WriteConfig(config);
        return LoggingFailure(run, () => Finetune(run, config, manifest, cancellation));
    }

    /// <summary>Fine-tunes into <paramref name="run"/>, whose config.yaml the caller wrote.</summary>
    public FinetuneRun Finetune(RunFolder run, FinetuneConfig config, string manifest, CancellationToken cancellation = default) =>
        Forwarding(run, () => new FinetuneRun(run.Path, Finetuning.Run(config, manifest, run, Runtime, cancellation)));

    /// <summary>
    /// A report-generation recipe, as <c>cxrvl rrg train --method</c> loads it: <c>configs/rrg/&lt;method&gt;.yaml</c> (xpronet,
    /// r2gen), then <paramref name="overlays"/> (names under <c>configs/</c> such as <c>rrg/small</c>, or files), then overrides.
    /// </summary>
    public static RrgConfig ReportRecipe(string method, IReadOnlyList<string>? overlays = null, IEnumerable<string>? overrides = null) =>
        RrgRecipes.Load(Recipes($"rrg/{method.ToLowerInvariant()}", overlays), overrides, method);

    /// <summary>
    /// Trains a report generator (the recipe's <c>method</c>: xpronet or r2gen) into a run folder holding config.yaml,
    /// vocabulary.json, metrics.jsonl and checkpoints/, which <see cref="Generate(string, IReadOnlyList{string}, DecodingConfig?)"/>
    /// and <c>cxrvl generate</c> read. <paramref name="initWeights"/>: a whole released XProNet or R2Gen model to start from.
    /// </summary>
    public ReportTrainingRun TrainReportGenerator(RrgConfig config, string manifest, string? outFolder = null, string? initWeights = null,
                                                  CancellationToken cancellation = default)
    {
        ConfigValidator.Validate(config);
        _ = ManifestInfo.ReadFor(manifest);
        using var run = RunFolder.Create(config.Name, outFolder, console: Output);
        run.WriteConfig(config);
        return LoggingFailure(run, () => TrainReportGenerator(run, config, manifest, initWeights: initWeights, cancellation: cancellation));
    }

    /// <summary>Trains a report generator into <paramref name="run"/>, or continues the run <paramref name="resumeFrom"/> there.</summary>
    public ReportTrainingRun TrainReportGenerator(RunFolder run, RrgConfig config, string manifest, string? resumeFrom = null, string? initWeights = null,
                                                  CancellationToken cancellation = default) =>
        Forwarding(run, () => new ReportTrainingRun(run.Path, ReportTraining.Run(config, manifest, run, Runtime, resumeFrom, cancellation, initWeights)));

    /// <summary>A trained report generator: a run folder of <see cref="TrainReportGenerator(RrgConfig, string, string?, string?, CancellationToken)"/> (its best, else last checkpoint), a checkpoint folder or a weights file in it.</summary>
    /// <param name="precision">Decode in <see cref="TrainingPrecision.Bf16Mixed"/> (bfloat16 products) or float32.</param>
    public ReportGenerator LoadReportGenerator(string checkpoint, TrainingPrecision precision = TrainingPrecision.Fp32) =>
        ReportGenerator.Load(checkpoint, Runtime.Device, precision);

    /// <summary>
    /// One study's report from its image files (frontal first), decoded as the run's recipe says unless
    /// <paramref name="decoding"/> says otherwise.
    /// </summary>
    public string Generate(ReportGenerator generator, IReadOnlyList<string> imagePaths, DecodingConfig? decoding = null) =>
        generator.GenerateFromFiles(imagePaths, decoding);

    /// <summary>The same from a run folder or checkpoint, loaded for this one report.</summary>
    public string Generate(string checkpoint, IReadOnlyList<string> imagePaths, DecodingConfig? decoding = null)
    {
        using var generator = LoadReportGenerator(checkpoint);
        return Generate(generator, imagePaths, decoding);
    }

    /// <summary>
    /// A trained model: a run folder (its best, else last checkpoint), a checkpoint folder or a weights file in a run
    /// folder. <paramref name="untrained"/>: its architecture with fresh weights from the seed, the baseline to compare with.
    /// <paramref name="precision"/>: <see cref="TrainingPrecision.Bf16Mixed"/> runs its forward passes with bfloat16 products
    /// (embeddings and scores still float32), as <c>--precision bf16</c> does.
    /// </summary>
    public PretrainedModel Load(string checkpoint, bool untrained = false, TrainingPrecision precision = TrainingPrecision.Fp32)
    {
        var model = PretrainedModel.Load(checkpoint, Runtime.Device, Methods, precision);
        if (!untrained)
            return model;
        var (config, runDirectory) = (model.Config, model.RunDirectory);
        model.Dispose();
        var fresh = PretrainedModel.Untrained(config, Runtime.Device, Runtime.Seed, runDirectory, Methods);
        fresh.Precision = precision;
        return fresh;
    }

    /// <summary>The l2-normalised embedding of one image file, as the model's recipe reads it.</summary>
    public float[] EmbedImage(PretrainedModel model, string imagePath)
    {
        using var embedding = model.EmbedImageFile(imagePath, Runtime.Device);
        return embedding.data<float>().ToArray();
    }

    /// <summary>The l2-normalised embedding of one report or prompt.</summary>
    public float[] EmbedText(PretrainedModel model, string text)
    {
        using var embedding = model.EmbedTexts([text], Runtime.Device);
        return embedding[0].data<float>().ToArray();
    }

    /// <summary>
    /// Image and report embeddings of a manifest split (<c>all</c> for every row; <c>test</c> falls back to every row of
    /// a manifest without splits). <paramref name="regions"/>: also the image regions of a model with its own zero-shot
    /// protocol (PRIOR).
    /// </summary>
    public PairEmbeddings Embed(PretrainedModel model, string manifest, string split = ManifestSplits.Test, bool skipBad = false, bool regions = false)
    {
        var data = ManifestData.Open(manifest);
        return Embedder.Embed(model, Embedder.SelectRows(data, split), data.Root, Runtime.Device, skipBad: skipBad, progress: Output, regions: regions);
    }

    /// <summary>
    /// Zero-shot classification of a split's images against the task's class prompts: by prompt similarity, or by the
    /// model's own protocol when it has one (PRIOR's global and local scores), which needs the reports' regions too.
    /// </summary>
    public ZeroShotResult ZeroShot(PretrainedModel model, string manifest, ZeroShotConfig task, string split = ManifestSplits.Test, bool skipBad = false)
    {
        var data = ManifestData.Open(manifest);
        var (images, regions, rows) = Embedder.EmbedImageRegions(model, Embedder.SelectRows(data, split), data.Root, Runtime.Device, skipBad: skipBad,
                                                                 progress: Output, regions: model.Method is IPromptScorer, imageRecipe: TaskImageRecipe(model, task));
        using (images)
        using (regions)
            return ZeroShotEvaluation.Evaluate(model, images, regions, rows, task, Runtime.Device, Runtime.Seed);
    }

    /// <summary>The task's image recipe for the checkpoint's method (<see cref="ZeroShotConfig.ImageRecipeByMethod"/>) when it fits the model's input.</summary>
    private ImageRecipe? TaskImageRecipe(PretrainedModel model, ZeroShotConfig task)
    {
        if (!task.ImageRecipeByMethod.TryGetValue(model.Config.Method, out var name))
            return null;
        var (wanted, own) = (Methods.ImageRecipes.Get(name), model.Reading.ImageRecipe);
        if (wanted.Size == own.Size && wanted.Channels == own.Channels)
        {
            Output.WriteLine($"images read with the task's recipe for {model.Config.Method}: {name}");
            return wanted;
        }
        Output.WriteLine($"the task's image recipe for {model.Config.Method}, {name} ({wanted.Channels}x{wanted.Size}), does not fit the checkpoint's " +
                         $"{own.Name} ({own.Channels}x{own.Size}): images read with the checkpoint's");
        return null;
    }

    /// <summary>
    /// Image-to-report and report-to-image retrieval on a split (Recall@1/5/10), and with <paramref name="classes"/>
    /// Precision@K of image queries by class agreement.
    /// </summary>
    public RetrievalResult Retrieve(PretrainedModel model, string manifest, string split = ManifestSplits.Test, ZeroShotConfig? classes = null,
                                    bool skipBad = false)
    {
        using var pairs = Embed(model, manifest, split, skipBad);
        var texts = pairs.Rows.Select(r => r.Report?.Join(model.Config.Data.ReportSections) ?? "").ToList();
        var classOfRow = classes is null ? null : ZeroShotEvaluation.ClassesOf(pairs.Rows, classes);
        return RetrievalEvaluation.Evaluate(pairs, texts, classOfRow);
    }

    private static List<string> Recipes(string recipe, IReadOnlyList<string>? overlays) =>
        [RecipeLocator.Resolve(recipe), .. (overlays ?? []).Select(RecipeLocator.Resolve)];

    private T Forwarding<T>(RunFolder run, Func<T> work)
    {
        run.Metrics.Written += ForwardMetrics;
        try
        {
            return work();
        }
        finally
        {
            run.Metrics.Written -= ForwardMetrics;
        }
    }

    /// <summary>A run this context made ends, when it fails, with the error in its log.txt.</summary>
    private static T LoggingFailure<T>(RunFolder run, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e)
        {
            run.Log.Fatal(e);
            throw;
        }
    }

    private void ForwardMetrics(object? sender, RunMetricsEventArgs line) => Metrics?.Invoke(this, line);
}
