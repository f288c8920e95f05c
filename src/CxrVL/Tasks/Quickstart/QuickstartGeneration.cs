using System.Globalization;
using CxrVL.Configuration;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Reports;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Tasks.Quickstart;

/// <summary>What the report-generation phase of the quickstart produced.</summary>
internal sealed record GenerationOutcome(IReadOnlyList<TaskComparison> Results, IReadOnlyList<GeneratedReport> Examples, IReadOnlyList<ReportFigure> LossCurves,
                                         string Summary);

/// <summary>
/// The quickstart's report-generation phase: the same small generator (<c>cxrvl rrg train</c>) trained three times with an
/// equal share of the budget, its visual extractor started from each of the three image encoders (<see cref="QuickstartArm"/>:
/// random, the package ResNet, the CxrVL-pretrained image encoder), then each decodes the same test studies and is
/// scored as <c>cxrvl rrg test</c> does, with paired bootstrap intervals over the studies.
/// </summary>
internal static class QuickstartGeneration
{
    private const string Task = "report generation";

    private static readonly (string Key, string Metric)[] NlgMetrics = [("BLEU_1", "BLEU-1"), ("BLEU_4", "BLEU-4"), ("ROUGE_L", "ROUGE-L"), ("CIDEr", "CIDEr-D")];

    private const string ClinicalEfficacyKey = "CE_F1_MICRO";

    public static GenerationOutcome Run(QuickstartPhaseConfig phase, int examples, int testRows, PretrainConfig pretrain, string checkpoint, string manifest,
                                        RunFolder run, RuntimeContext runtime, int resamples)
    {
        var image = pretrain.Model.Image;
        var sources = new List<(QuickstartArm Arm, string Init)> { (QuickstartArm.Random, "null") };
        if (image.Init is { } init)
            sources.Add((QuickstartArm.Package, init));
        sources.Add((QuickstartArm.Pretrained, checkpoint));
        var overrides = new List<string>(phase.Set)
        {
            string.Create(CultureInfo.InvariantCulture, $"train.minutes={phase.Minutes / sources.Count:R}"),
            // The pretraining's image encoder and input: the same network for all three, from three starting points.
            $"model.visual_extractor={image.Backbone}",
            $"model.visual_extractor_layers=[{string.Join(", ", image.Layers)}]",
            $"data.image_recipe={pretrain.Data.ImageRecipe}",
        };
        // From the recipe's eval section, before training, so a CheXbert recipe without its checkpoint stops the phase before its longest part.
        var evaluation = RrgRecipes.Load(phase.Recipes.Select(RecipeLocator.Resolve).ToList(), overrides).Eval;
        using var labeler = ReportLabelers.Create(evaluation.LabelerOptions());
        // The table's values are over all scored reports; its intervals come from the paired bootstrap below.
        var scoring = evaluation.ScoringOptions(runtime.Seed) with { Resamples = 0 };
        var scored = default(string);
        var evaluations = new Dictionary<QuickstartArm, ReportEvaluationResult>();
        var curves = new List<ReportFigure>();
        var summaries = new List<string>();
        foreach (var (arm, start) in sources)
        {
            var config = RrgRecipes.Load(phase.Recipes.Select(RecipeLocator.Resolve).ToList(), [.. overrides, $"model.visual_extractor_init={start}"]);
            var folder = run.File($"generate-{arm.ToString().ToLowerInvariant()}");
            ReportTrainingResult training;
            using (var generateRun = RunFolder.Create(config.Name, folder, console: run.Log.Console))
            {
                generateRun.WriteConfig(config, ["cxrvl", "rrg", "train", "--method", config.Method, "--data", manifest, "--config", Path.Combine(folder, "config.yaml")]);
                training = ReportTraining.Run(config, manifest, generateRun, runtime);
            }
            scored ??= testRows > 0 ? FirstTestRows(manifest, config, testRows, run) : manifest;
            using (var generator = ReportGenerator.Load(folder, runtime.Device))
                evaluations[arm] = ReportEvaluation.Score(ReportEvaluation.Generate(generator, scored, config.Data.TestSplit, config.Data.EvalLabels, runtime.Seed),
                                                          labeler, scoring);
            var lossPath = Path.Combine(folder, "loss.png");
            if (File.Exists(lossPath))
                curves.Add(new ReportFigure($"{config.Method} report generator loss, {QuickstartReport.ArmName(arm)} visual extractor", File.ReadAllBytes(lossPath),
                                           $"Training loss per optimizer step (from {Path.GetFileName(folder)}/metrics.jsonl)."));
            summaries.Add($"{QuickstartReport.ArmName(arm)}: {training.Training.Steps} steps ({training.Training.StopReason})");
        }

        // Each generator's per-report statistics (as rrg test and eval compare sum them) score any draw of the test studies.
        var statistics = evaluations.ToDictionary(e => e.Key, e => e.Value.Scores.Statistics);
        var order = statistics[QuickstartArm.Pretrained].Ids;
        if (statistics.Values.Any(s => !s.Ids.SequenceEqual(order)))
            throw new CxrVLException("the report generators were scored on different test studies; their differences cannot be paired.");
        static Func<int[], double>? Statistic(ReportStatistics items, int metric) => counts => items.Scores(counts)[metric];
        var clinicalEfficacy = $"clinical efficacy F1 (micro, {labeler.Name} labeler, uncertain {scoring.Uncertain.ToString().ToLowerInvariant()})";
        var results = NlgMetrics.Append((ClinicalEfficacyKey, clinicalEfficacy)).Select(m =>
        {
            var metric = ReportMetrics.Names.ToList().IndexOf(m.Item1);
            return PairedBootstrap.Compare(Task, m.Item2, order.Count, statistics.ToDictionary(s => s.Key, s => Statistic(s.Value, metric)), resamples, runtime.Seed);
        }).ToList();

        var ids = evaluations[QuickstartArm.Pretrained].References.Keys.Order(StringComparer.Ordinal).ToList();
        var opened = ManifestData.Open(manifest);
        var rows = opened.Rows.ToDictionary(r => r.StudyId, StringComparer.Ordinal);
        var pretrained = evaluations[QuickstartArm.Pretrained];
        var shown = ids.Take(examples).Select(id =>
        {
            var picture = rows[id].Images.FirstOrDefault(i => i.Present);
            return new GeneratedReport(id, picture is null ? null : ReportImages.Thumbnail(Path.Combine(opened.Root, picture.Path), 160),
                                       pretrained.Predictions[id], pretrained.References[id]);
        }).ToList();
        var summary = $"{string.Join("; ", summaries)}; {ids.Count} {sources.Count}-way generated test reports";
        return new GenerationOutcome(results, shown, curves, summary);
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
}
