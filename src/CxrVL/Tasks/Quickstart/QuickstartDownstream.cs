using System.Globalization;
using CxrVL.Configuration;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Finetuning;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Tasks.Quickstart;

/// <summary>What one downstream phase of the quickstart produced; <paramref name="Warnings"/> name the encoders whose training diverged.</summary>
internal sealed record DownstreamOutcome(IReadOnlyList<TaskComparison> Results, IReadOnlyList<ReportFigure> Figures, string Summary,
                                         IReadOnlyList<string> Warnings);

/// <summary>
/// A downstream phase of the quickstart (<c>cxrvl finetune --task segment|detect</c>): the task fine-tuned from each of
/// the three image encoders (<see cref="QuickstartArm"/>: the same architecture at random, from the package weights, and
/// from CxrVL pretraining) with an equal share of the phase's budget, all scored on the same test images. An encoder whose
/// fine-tuning diverged gets "diverged at step N" in its column instead of numbers, and a warning; the others stand.
/// </summary>
internal static class QuickstartDownstream
{
    public static DownstreamOutcome Run(string task, string label, QuickstartPhaseConfig phase, PretrainConfig pretrain, string checkpoint,
                                        string manifest, RunFolder run, RuntimeContext runtime, int resamples)
    {
        var image = pretrain.Model.Image;
        var sources = new List<(QuickstartArm Arm, string Source)> { (QuickstartArm.Random, "random") };
        if (image.Init is { } init)
            sources.Add((QuickstartArm.Package, init));
        sources.Add((QuickstartArm.Pretrained, checkpoint));
        var overrides = new List<string>(phase.Set)
        {
            // An equal share of the budget for each encoder; the same architecture and image recipe for all.
            string.Create(CultureInfo.InvariantCulture, $"train.minutes={phase.Minutes / sources.Count:R}"),
            $"encoder.backbone={image.Backbone}",
            $"encoder.input_channels={image.InputChannels}",
            $"encoder.image_size={image.ImageSize}",
            $"encoder.layers=[{string.Join(", ", image.Layers)}]",
            $"data.image_recipe={pretrain.Data.ImageRecipe}",
        };
        var results = new Dictionary<QuickstartArm, FinetuneResult>();
        foreach (var (arm, source) in sources)
        {
            var config = ConfigLoader.LoadAll<FinetuneConfig>(phase.Recipes.Select(RecipeLocator.Resolve).ToList(), [.. overrides, $"encoder.source={source}"]);
            using var taskRun = RunFolder.Create(config.Name, run.File(Folder(task, arm)), console: run.Log.Console);
            taskRun.WriteConfig(config, ["cxrvl", "finetune", "--task", task, "--data", manifest, "--config", Path.Combine(taskRun.Path, "config.yaml")]);
            results[arm] = Finetuning.Finetuning.Run(config, manifest, taskRun, runtime);
        }

        var comparisons = Compare(label, results, resamples, runtime.Seed);
        var warnings = new List<string>();
        foreach (var (arm, result) in results)
        {
            if (result.Divergences is [var first, ..])
                warnings.Add($"warning: {label} from the {QuickstartReport.ArmName(arm)} encoder diverged at step {first.Divergence.Step} ({first.Divergence.What}), " +
                             $"so its column shows no numbers; see {Path.Combine(run.File(Folder(task, arm)), $"seed-{first.Seed}", "log.txt")}.");
        }
        var figures = new List<ReportFigure>();
        foreach (var arm in results.Keys)
        {
            var overlays = Path.Combine(run.File(Folder(task, arm)), $"seed-{runtime.Seed}", "overlays");
            if (!Directory.Exists(overlays))
                continue;
            foreach (var file in Directory.GetFiles(overlays, "*.png").Order(StringComparer.Ordinal).Take(2))
                figures.Add(new ReportFigure($"{label}, {QuickstartReport.ArmName(arm)} encoder", File.ReadAllBytes(file), $"Test image {Path.GetFileNameWithoutExtension(file)}: truth and prediction."));
        }
        var splits = results[QuickstartArm.Pretrained].Splits;
        var summary = $"{splits.Train.Count} training, {splits.Test.Count} test images; " +
                      string.Join("; ", comparisons.Select(r => $"{r.Metric} {string.Join(" / ", results.Keys.Select(r.Text))}"));
        return new DownstreamOutcome(comparisons, figures, summary, warnings);
    }

    private static string Folder(string task, QuickstartArm arm) => $"{task}-{arm.ToString().ToLowerInvariant()}";

    /// <summary>
    /// The rows of one task: a metric per headline key of any encoder, each encoder's value on the test images and the
    /// pretrained encoder's differences with paired bootstrap intervals; an encoder that diverged shows the step instead
    /// of a number, and when all diverged one row says so.
    /// </summary>
    public static IReadOnlyList<TaskComparison> Compare(string label, IReadOnlyDictionary<QuickstartArm, FinetuneResult> results, int resamples, int seed)
    {
        var keys = results.Values.SelectMany(r => r.Summary.Keys).Distinct().ToList();
        var evaluations = results.Where(r => r.Value.Divergences.Count == 0 && r.Value.Evaluations.Count > 0)
            .ToDictionary(r => r.Key, r => r.Value.Evaluations[0]);
        var ids = evaluations.Values.Select(e => e.Ids).FirstOrDefault() ?? [];
        // Intervals pair the encoders on the same draws of test images, so every encoder must have scored the same images.
        var paired = evaluations.Values.All(e => e.Resampled is not null && e.Ids.SequenceEqual(ids, StringComparer.Ordinal));
        var draws = evaluations.Where(e => e.Value.Resampled is not null).ToDictionary(e => e.Key, e => PairedBootstrap.OncePerDraw(e.Value.Resampled!));
        return (keys.Count > 0 ? keys : ["all metrics"]).Select(key =>
        {
            var arms = results.ToDictionary(r => r.Key, r => Statistic(r.Value, key, paired ? draws.GetValueOrDefault(r.Key) : null));
            return PairedBootstrap.Compare(label, Metric(key), ids.Count, arms, resamples, seed) with
            {
                RandomDivergedAt = results.GetValueOrDefault(QuickstartArm.Random)?.DivergedAt,
                PackageDivergedAt = results.GetValueOrDefault(QuickstartArm.Package)?.DivergedAt,
                PretrainedDivergedAt = results.GetValueOrDefault(QuickstartArm.Pretrained)?.DivergedAt,
            };
        }).ToList();
    }

    /// <summary>An encoder's metric over draws of the test images; its plain value alone (no interval) when the draws cannot be paired.</summary>
    private static Func<int[], double>? Statistic(FinetuneResult result, string key, Func<int[], IReadOnlyDictionary<string, double>>? draws)
    {
        if (result.Divergences.Count > 0)
            return null;
        var value = result.Summary.TryGetValue(key, out var summary) ? summary.Mean : double.NaN;
        return counts => counts.All(c => c == 1) ? value : draws?.Invoke(counts).GetValueOrDefault(key, double.NaN) ?? double.NaN;
    }

    private static string Metric(string key) => key switch
    {
        "med_dice" => "medDice",
        "global_dice" => "global Dice",
        "map" => "mAP@[.5:.95]",
        "map50" => "mAP@0.5",
        "froc" => "FROC (mean sensitivity)",
        _ => key,
    };
}
