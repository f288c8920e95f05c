using System.Globalization;
using CxrVL.Configuration;
using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Labeling;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Text;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Quickstart;

/// <summary>What the report-generation phase of the quickstart produced.</summary>
internal sealed record GenerationOutcome(IReadOnlyList<TaskComparison> Results, IReadOnlyList<GeneratedReport> Examples, ReportFigure? LossCurve,
                                         string Summary);

/// <summary>
/// The quickstart's report-generation phase: trains a small generator (<c>cxrvl rrg train</c>) within its budget,
/// decodes reports for the test split with it and with the same architecture untrained (seeded), and scores both
/// against the references as <c>cxrvl rrg test</c> does.
/// </summary>
internal static class QuickstartGeneration
{
    private const string Task = "report generation";

    public static GenerationOutcome Run(QuickstartPhaseConfig phase, int examples, int testRows, string manifest, RunFolder run, RuntimeContext runtime)
    {
        var overrides = new List<string>(phase.Set) { string.Create(CultureInfo.InvariantCulture, $"train.minutes={phase.Minutes:R}") };
        var config = ConfigLoader.LoadAll<RrgConfig>(phase.Recipes.Select(RecipeLocator.Resolve).ToList(), overrides);
        var trainedPath = run.File("generate");
        // Before training, so a CheXbert recipe without its checkpoint stops the phase before its longest part.
        using var labeler = ReportLabelers.Create(config.Eval.LabelerOptions());
        ReportTrainingResult training;
        using (var generateRun = RunFolder.Create(config.Name, trainedPath, console: run.Log.Console))
        {
            generateRun.WriteConfig(config, ["cxrvl", "rrg", "train", "--method", config.Method, "--data", manifest, "--config", Path.Combine(trainedPath, "config.yaml")]);
            training = ReportTraining.Run(config, manifest, generateRun, runtime);
        }

        var split = config.Data.TestSplit;
        var scored = testRows > 0 ? FirstTestRows(manifest, config, testRows, run) : manifest;
        // The table shows point values: no bootstrap resamples.
        var scoring = config.Eval.ScoringOptions(runtime.Seed) with { Resamples = 0 };
        ReportEvaluationResult trained, untrained;
        using (var generator = ReportGenerator.Load(trainedPath, runtime.Device))
            trained = ReportEvaluation.Score(ReportEvaluation.Generate(generator, scored, split, config.Data.EvalLabels, runtime.Seed), labeler, scoring);
        using (var generator = ReportGenerator.Load(UntrainedCheckpoint(config, trainedPath, run, runtime.Seed), runtime.Device))
            untrained = ReportEvaluation.Score(ReportEvaluation.Generate(generator, scored, split, config.Data.EvalLabels, runtime.Seed), labeler, scoring);

        var (a, b) = (trained.ToDictionary(), untrained.ToDictionary());
        var clinicalEfficacy = $"clinical efficacy F1 (micro, {labeler.Name} labeler, uncertain {scoring.Uncertain.ToString().ToLowerInvariant()})";
        var results = new[] { ("BLEU_1", "BLEU-1"), ("BLEU_4", "BLEU-4"), ("ROUGE_L", "ROUGE-L"), ("CIDEr", "CIDEr-D"), ("CE_F1_MICRO", clinicalEfficacy) }
            .Select(m => new TaskComparison(Task, m.Item2, a[m.Item1], b[m.Item1]))
            .ToList();

        var info = ManifestInfo.ReadFor(manifest);
        var rows = ManifestReader.Read(manifest).ToDictionary(r => r.StudyId, StringComparer.Ordinal);
        var shown = trained.References.Keys.Order(StringComparer.Ordinal).Take(examples).Select(id =>
        {
            var image = rows[id].Images.FirstOrDefault(i => i.Present);
            return new GeneratedReport(id, image is null ? null : ReportImages.Thumbnail(Path.Combine(info.Root, image.Path), 160),
                                       trained.Predictions[id], trained.References[id]);
        }).ToList();
        var lossPath = Path.Combine(trainedPath, "loss.png");
        var loss = File.Exists(lossPath)
            ? new ReportFigure($"{config.Method} report generator loss", File.ReadAllBytes(lossPath), "Training loss per optimizer step (from generate/metrics.jsonl).")
            : null;
        var summary = $"{config.Method}: {training.Training.Steps} steps ({training.Training.StopReason}) on {training.TrainStudies} studies, " +
                      $"vocabulary {training.Vocabulary} words; {trained.References.Count} {split} reports generated";
        return new GenerationOutcome(results, shown, loss, summary);
    }

    /// <summary>The manifest with only the first <paramref name="count"/> test studies that have an image and text (decoding all of them takes longest).</summary>
    private static string FirstTestRows(string manifest, RrgConfig config, int count, RunFolder run)
    {
        var path = run.File(Path.Combine("data", Path.GetFileNameWithoutExtension(manifest) + $".test{count}.jsonl"));
        var taken = 0;
        var rows = ManifestReader.Read(manifest).Where(r =>
            r.Split != config.Data.TestSplit
            || (!string.IsNullOrWhiteSpace(r.Report?.Join(config.Data.ReportSections)) && r.Images.Any(i => i.Present) && taken++ < count)).ToList();
        ManifestWriter.WriteAll(path, rows);
        ManifestInfo.ReadFor(manifest).WriteFor(path);
        return path;
    }

    /// <summary>
    /// The baseline: the trained run's recipe and vocabulary with freshly initialised (seeded) weights, written as a
    /// checkpoint so it loads and decodes exactly as the trained one.
    /// </summary>
    private static string UntrainedCheckpoint(RrgConfig config, string trainedPath, RunFolder run, int seed)
    {
        var folder = run.File("generate-untrained");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(trainedPath, "config.yaml"), Path.Combine(folder, "config.yaml"), overwrite: true);
        File.Copy(Path.Combine(trainedPath, ReportTraining.VocabularyFile), Path.Combine(folder, ReportTraining.VocabularyFile), overwrite: true);
        var vocabulary = WordVocabulary.Load(Path.Combine(folder, ReportTraining.VocabularyFile));
        manual_seed(seed);
        using var model = ReportGenerationMethods.Create(config.Method, config.Model, vocabulary.VocabularySize, config.Data.Views == StudyViews.Pair ? 2 : 1);
        var weights = Path.Combine(folder, "model.safetensors");
        using (var state = StateDict.Borrow(model.Model))
            SafeTensors.Write(weights, state);
        return weights;
    }
}
