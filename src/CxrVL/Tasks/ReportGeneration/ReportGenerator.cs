using CxrVL.Configuration;
using CxrVL.Generation;
using CxrVL.Generation.Decoding;
using CxrVL.Imaging;
using CxrVL.Precision;
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
public sealed class ReportGenerator : IReportGenerator
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

    /// <summary>
    /// The arithmetic of <see cref="Generate"/>: <see cref="TrainingPrecision.Fp32"/>, or <see cref="TrainingPrecision.Bf16Mixed"/>
    /// (products in bfloat16; the word probabilities beam search compares stay float32, as under training's autocast).
    /// </summary>
    public TrainingPrecision Precision { get; set; } = TrainingPrecision.Fp32;

    /// <summary>Loads <c>--checkpoint</c>: a run folder (best checkpoint, else latest), a checkpoint folder or a weights file in a run.</summary>
    /// <param name="precision">The arithmetic of <see cref="Generate"/> (<see cref="Precision"/>).</param>
    public static ReportGenerator Load(string checkpoint, Device device, TrainingPrecision precision = TrainingPrecision.Fp32)
    {
        var weights = CheckpointStore.ResolveWeights(checkpoint);
        var runFolder = FindRunFolder(weights);
        var config = RrgRecipes.LoadRun(Path.Combine(runFolder, "config.yaml"));
        var vocabulary = WordVocabulary.Load(Path.Combine(runFolder, ReportTraining.VocabularyFile));
        var views = config.Data.Views == Data.Loading.StudyViews.Pair ? 2 : 1;
        var model = ReportGenerationMethods.Create(config.Model, vocabulary.VocabularySize, views);
        model.Model.to(device);
        using (var state = CheckpointReader.Read(weights))
            StateDictLoader.Load(model.Model, state);
        model.Model.eval();
        return new ReportGenerator(config, vocabulary, model, weights, runFolder, device, views) { Precision = precision };
    }

    /// <summary>
    /// Decodes reports for a batch of studies (images [B, C, H, W] or [B, S, C, H, W]); <paramref name="labels"/> [B, K]
    /// select XProNet's prototypes instead of its image classifier (the rrg test's <c>report</c> label source).
    /// </summary>
    public IReadOnlyList<string> Generate(Tensor images, Tensor? present, Tensor? labels, DecodingConfig? decoding = null)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var precision = Autocast.Enable(Precision);
        using var context = Model.Encode(images.to(Device), present?.to(Device), labels?.to(Device));
        return ReportGenerators.Decode(this, context, decoding);
    }

    public IDecodingContext Encode(Tensor images, Tensor? present) => Model.Encode(images.to(Device), present?.to(Device), null);

    public void Dispose() => Model.Dispose();

    /// <summary>The <c>rrg train</c> run folder above a weights file: the one with config.yaml and the word vocabulary.</summary>
    internal static string FindRunFolder(string weights) =>
        RunFolder.FindAbove(weights, dir => File.Exists(Path.Combine(dir, "config.yaml")) && File.Exists(Path.Combine(dir, ReportTraining.VocabularyFile)))
        ?? throw new CxrVLException($"no run folder with config.yaml and {ReportTraining.VocabularyFile} above '{weights}': pass a checkpoint of a 'cxrvl rrg train' run.");
}
