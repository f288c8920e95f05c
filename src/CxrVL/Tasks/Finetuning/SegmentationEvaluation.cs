using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CxrVL.Evaluation.Classification;
using CxrVL.Evaluation.Plots;
using CxrVL.Evaluation.Segmentation;
using CxrVL.Runs;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Test metrics of a segmenter, per mask label and averaged over labels: medDice (per-image Dice, an empty truth with an
/// empty prediction scoring 1, every image counted; MRM's metric) with a bootstrap interval over images, and global
/// Dice (pixels pooled over images, LoVT's); per-image Dice in predictions.csv, outlines on test images as PNG.
/// </summary>
public static class SegmentationEvaluation
{
    /// <summary>Per-image overlaps [image][label] and the study ids, in row order; the first <paramref name="overlays"/> images drawn into <paramref name="overlayDirectory"/>.</summary>
    public static (MaskOverlap[][] Overlaps, IReadOnlyList<string> Ids) Predict(SegmentationMethod method, StudyBatches data, double threshold,
                                                                            int overlays = 0, string? overlayDirectory = null)
    {
        var (overlaps, ids) = FinetuneValidation.PerImage<MaskOverlap[]>(method, data, batch =>
        {
            var probabilities = method.Logits(batch.Images).sigmoid();
            var masks = batch.Masks!;
            var perLabel = Enumerable.Range(0, (int)masks.shape[1])
                .Select(m => SegmentationMetrics.Overlaps(masks[.., m], probabilities[.., m], threshold)).ToArray();
            return (i, overlay) =>
            {
                if (overlay is not null)
                    OverlayPlots.WriteMasks(overlay, batch.Images[i], masks[i], probabilities[i].gt(threshold));
                return perLabel.Select(l => l[i]).ToArray();
            };
        }, overlays, overlayDirectory);
        return (overlaps.ToArray(), ids);
    }

    public static IReadOnlyDictionary<string, double> Validate(SegmentationMethod method, StudyBatches data, double threshold)
    {
        var loss = FinetuneValidation.MeanLoss(method, data);
        var (overlaps, _) = Predict(method, data, threshold);
        return new Dictionary<string, double> { ["val_loss"] = loss, ["val_dice"] = MeanDice(overlaps, null) };
    }

    public static TaskEvaluation Evaluate(SegmentationMethod method, StudyBatches test, IReadOnlyList<string> labels, FinetuneEvalConfig eval,
                                          int seed, string directory)
    {
        var (overlaps, ids) = Predict(method, test, eval.MaskThreshold, eval.Overlays, Path.Combine(directory, "overlays"));
        var perLabel = new JsonObject();
        var global = new List<double>();
        for (var m = 0; m < labels.Count; m++)
        {
            var summary = SegmentationMetrics.Summarize(overlaps.Select(o => o[m]).ToList());
            global.Add(summary.GlobalDice);
            perLabel[labels[m]] = new JsonObject
            {
                ["med_dice"] = summary.MeanDice,
                ["global_dice"] = Json(summary.GlobalDice),
                ["mean_iou"] = summary.MeanIou,
                ["global_iou"] = Json(summary.GlobalIou),
            };
        }
        var medDice = MeanDice(overlaps, null);
        var interval = Bootstrap.Interval(ids.Count, counts => MeanDice(overlaps, counts), eval.Bootstrap, seed, eval.ConfidenceLevel);
        var json = new JsonObject
        {
            ["n_images"] = ids.Count,
            ["med_dice"] = medDice,
            ["med_dice_ci"] = interval is null ? null : new JsonArray(interval.Lower, interval.Upper),
            ["global_dice"] = Json(global.Average()),
            ["empty_mask_convention"] = "an empty truth with an empty prediction scores 1; every image counts (medDice)",
            ["per_label"] = perLabel,
        };
        var text = new StringBuilder("id," + string.Join(',', labels.Select(l => ClassificationEvaluation.Quote("dice_" + l))) + "\n");
        for (var i = 0; i < ids.Count; i++)
            text.Append(ClassificationEvaluation.Quote(ids[i])).Append(',')
                .AppendJoin(',', overlaps[i].Select(o => o.Dice().ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(directory, "predictions.csv"), text.ToString());
        return new TaskEvaluation(json, new Dictionary<string, double> { ["med_dice"] = medDice, ["global_dice"] = global.Average() })
        {
            Ids = ids,
            Resampled = counts => new Dictionary<string, double>
            {
                ["med_dice"] = MeanDice(overlaps, counts),
                ["global_dice"] = Enumerable.Range(0, labels.Count)
                    .Select(m => SegmentationMetrics.Summarize(overlaps.SelectMany((o, i) => Enumerable.Repeat(o[m], counts[i])).ToList()).GlobalDice).Average(),
            },
        };
    }

    /// <summary>medDice averaged over labels; with bootstrap counts, each image weighted by how often it was drawn.</summary>
    private static double MeanDice(MaskOverlap[][] overlaps, int[]? counts)
    {
        double sum = 0, weight = 0;
        for (var i = 0; i < overlaps.Length; i++)
        {
            var w = counts?[i] ?? 1;
            if (w == 0)
                continue;
            sum += w * overlaps[i].Average(o => o.Dice());
            weight += w;
        }
        return weight == 0 ? double.NaN : sum / weight;
    }

    private static JsonNode? Json(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
