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
/// A downstream phase of the quickstart (<c>cxrvl finetune --task segment|detect</c>): the task fine-tuned twice within
/// the phase's budget, from the pretrained image encoder and from the same architecture initialised at random (seeded),
/// and both scored on the test split. An encoder whose fine-tuning diverged gets "diverged at step N" in its column
/// instead of numbers, and a warning; the other encoder's numbers and the other phases stand.
/// </summary>
internal static class QuickstartDownstream
{
    public static DownstreamOutcome Run(string task, string label, QuickstartPhaseConfig phase, PretrainConfig pretrain, string checkpoint,
                                        string manifest, RunFolder run, RuntimeContext runtime)
    {
        var image = pretrain.Model.Image;
        var overrides = new List<string>(phase.Set)
        {
            // Half the budget for each encoder; the same architecture and image recipe for both.
            string.Create(CultureInfo.InvariantCulture, $"train.minutes={phase.Minutes / 2:R}"),
            $"encoder.backbone={image.Backbone}",
            $"encoder.input_channels={image.InputChannels}",
            $"encoder.image_size={image.ImageSize}",
            $"data.image_recipe={pretrain.Data.ImageRecipe}",
        };
        FinetuneResult Finetune(string source, string folder)
        {
            var config = ConfigLoader.LoadAll<FinetuneConfig>(phase.Recipes.Select(RecipeLocator.Resolve).ToList(), [.. overrides, $"encoder.source={source}"]);
            using var taskRun = RunFolder.Create(config.Name, run.File(folder), console: run.Log.Console);
            taskRun.WriteConfig(config, ["cxrvl", "finetune", "--task", task, "--data", manifest, "--config", Path.Combine(taskRun.Path, "config.yaml")]);
            return Finetuning.Finetuning.Run(config, manifest, taskRun, runtime);
        }
        var trained = Finetune(checkpoint, $"{task}-pretrained");
        var untrained = Finetune("random", $"{task}-untrained");

        var results = Compare(label, trained, untrained);
        var warnings = new List<string>();
        foreach (var (result, encoder, folder) in new[] { (trained, "pretrained", $"{task}-pretrained"), (untrained, "untrained", $"{task}-untrained") })
        {
            if (result.Divergences is [var first, ..])
                warnings.Add($"warning: {label} from the {encoder} encoder diverged at step {first.Divergence.Step} ({first.Divergence.What}), " +
                             $"so its column shows no numbers; see {Path.Combine(run.File(folder), $"seed-{first.Seed}", "log.txt")}.");
        }
        var figures = new List<ReportFigure>();
        foreach (var (folder, name) in new[] { ($"{task}-pretrained", "pretrained encoder"), ($"{task}-untrained", "untrained encoder") })
        {
            var overlays = Path.Combine(run.File(folder), $"seed-{runtime.Seed}", "overlays");
            if (!Directory.Exists(overlays))
                continue;
            foreach (var file in Directory.GetFiles(overlays, "*.png").Order(StringComparer.Ordinal).Take(2))
                figures.Add(new ReportFigure($"{label}, {name}", File.ReadAllBytes(file), $"Test image {Path.GetFileNameWithoutExtension(file)}: truth and prediction."));
        }
        var summary = $"{trained.Splits.Train.Count} training, {trained.Splits.Test.Count} test images; " +
                      string.Join("; ", results.Select(r => $"{r.Metric} {r.PretrainedText()} vs {r.UntrainedText()}"));
        return new DownstreamOutcome(results, figures, summary, warnings);
    }

    /// <summary>
    /// The rows of one task: a metric per headline key of either side, and a side that diverged shows the step instead of
    /// a number; when both diverged, one row says so.
    /// </summary>
    public static IReadOnlyList<TaskComparison> Compare(string label, FinetuneResult trained, FinetuneResult untrained)
    {
        var keys = trained.Summary.Keys.Concat(untrained.Summary.Keys).Distinct().ToList();
        double? Value(FinetuneResult side, string key) =>
            side.Divergences.Count > 0 ? null : side.Summary.TryGetValue(key, out var value) ? value.Mean : double.NaN;
        return (keys.Count > 0 ? keys : ["all metrics"])
            .Select(k => new TaskComparison(label, Metric(k), Value(trained, k), Value(untrained, k))
            {
                PretrainedDivergedAt = trained.DivergedAt,
                UntrainedDivergedAt = untrained.DivergedAt,
            })
            .ToList();
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
