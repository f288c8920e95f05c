using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CxrVL.Evaluation.Classification;
using CxrVL.Evaluation.Detection;
using CxrVL.Evaluation.Plots;
using CxrVL.Imaging;
using CxrVL.Runs;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Test metrics of a detector: COCO mAP@[.5:.95], mAP@0.5 and @0.75 (pycocotools' rules) with a bootstrap interval over
/// images, per-category AP, and FROC; every detection in predictions.csv, boxes on test images as PNG.
/// </summary>
public static class DetectionEvaluation
{
    public static (IReadOnlyList<DetectionImage> Images, IReadOnlyList<string> Ids) Predict(DetectionMethod method, StudyBatches data, FinetuneEvalConfig eval,
                                                                                          int overlays = 0, string? overlayDirectory = null) =>
        FinetuneValidation.PerImage<DetectionImage>(method, data, batch =>
        {
            var detections = method.Detect(batch.Images, eval);
            var labels = batch.BoxLabels!.cpu();
            var coordinates = batch.Boxes!.cpu().to(float64).data<double>().ToArray();
            var categories = labels.data<long>().ToArray();
            var slots = (int)labels.shape[1];
            return (i, overlay) =>
            {
                var truth = new List<TruthBox>();
                for (var j = 0; j < slots; j++)
                {
                    var at = i * slots + j;
                    if (categories[at] >= 0)
                        truth.Add(new TruthBox(Box.FromCorners(coordinates[4 * at], coordinates[4 * at + 1], coordinates[4 * at + 2], coordinates[4 * at + 3]),
                            (int)categories[at]));
                }
                if (overlay is not null)
                {
                    // Draw the best detection of each category: what a reader would act on.
                    var best = detections[i].GroupBy(d => d.Category).Select(g => g.MaxBy(d => d.Score)!);
                    OverlayPlots.WriteBoxes(overlay, batch.Images[i], truth.Select(t => t.Box), best);
                }
                return new DetectionImage(truth, detections[i]);
            };
        }, overlays, overlayDirectory);

    public static IReadOnlyDictionary<string, double> Validate(DetectionMethod method, StudyBatches data, FinetuneEvalConfig eval, int categories)
    {
        var loss = FinetuneValidation.MeanLoss(method, data);
        var (images, _) = Predict(method, data, eval);
        var coco = CocoEvaluator.Evaluate(images, Options(eval, categories));
        return new Dictionary<string, double> { ["val_loss"] = loss, ["val_map"] = coco.Map, ["val_map50"] = coco.Map50 };
    }

    public static TaskEvaluation Evaluate(DetectionMethod method, StudyBatches test, IReadOnlyList<string> labels, FinetuneEvalConfig eval,
                                          int seed, string directory)
    {
        var (images, ids) = Predict(method, test, eval, eval.Overlays, Path.Combine(directory, "overlays"));
        var options = Options(eval, labels.Count);
        var coco = CocoEvaluator.Evaluate(images, options);
        var froc = Froc.Compute(images);
        var (mapValues, map50Values) = (new List<double>(), new List<double>());
        Bootstrap.Resample(images.Count, eval.Bootstrap, seed, counts =>
        {
            var resample = new List<DetectionImage>();
            for (var i = 0; i < counts.Length; i++)
                for (var c = 0; c < counts[i]; c++)
                    resample.Add(images[i]);
            var result = CocoEvaluator.Evaluate(resample, options);
            if (double.IsFinite(result.Map))
            {
                mapValues.Add(result.Map);
                map50Values.Add(result.Map50);
            }
        });
        var perCategory = new JsonObject();
        foreach (var category in coco.Categories)
            perCategory[labels[category.Category]] = new JsonObject
            {
                ["ap"] = Json(category.Ap),
                ["ap50"] = Json(category.Ap50),
                ["ap75"] = Json(category.Ap75),
                ["recall"] = Json(category.Recall),
                ["truth_boxes"] = category.TruthBoxes,
                ["detections"] = category.Detections,
            };
        var json = new JsonObject
        {
            ["n_images"] = images.Count,
            ["map"] = Json(coco.Map),
            ["map50"] = Json(coco.Map50),
            ["map75"] = Json(coco.Map75),
            ["recall"] = Json(coco.Recall),
            ["map_ci"] = Interval(mapValues, eval, eval.Bootstrap - mapValues.Count),
            ["map50_ci"] = Interval(map50Values, eval, eval.Bootstrap - map50Values.Count),
            ["froc"] = new JsonObject
            {
                ["false_positives_per_image"] = new JsonArray(froc.FalsePositivesPerImage.Select(v => (JsonNode)v).ToArray()),
                ["sensitivity"] = new JsonArray(froc.Sensitivities.Select(v => (JsonNode)v).ToArray()),
                ["mean"] = froc.Mean,
                ["hit"] = "detection centre inside the truth box",
            },
            ["per_category"] = perCategory,
        };
        var text = new StringBuilder("id,category,score,x,y,w,h\n");
        for (var i = 0; i < ids.Count; i++)
        {
            foreach (var d in images[i].Detections)
                text.Append(CultureInfo.InvariantCulture,
                    $"{ClassificationEvaluation.Quote(ids[i])},{ClassificationEvaluation.Quote(labels[d.Category])},{d.Score:R},{d.Box.X:0.##},{d.Box.Y:0.##},{d.Box.Width:0.##},{d.Box.Height:0.##}\n");
        }
        AtomicFile.WriteAllText(Path.Combine(directory, "predictions.csv"), text.ToString());
        return new TaskEvaluation(json, new Dictionary<string, double> { ["map"] = coco.Map, ["map50"] = coco.Map50, ["froc"] = froc.Mean })
        {
            Ids = ids,
            Resampled = counts =>
            {
                var drawn = images.SelectMany((image, i) => Enumerable.Repeat(image, counts[i])).ToList();
                var result = CocoEvaluator.Evaluate(drawn, options);
                return new Dictionary<string, double> { ["map"] = result.Map, ["map50"] = result.Map50, ["froc"] = Froc.Compute(drawn).Mean };
            },
        };
    }

    private static CocoOptions Options(FinetuneEvalConfig eval, int categories) =>
        new() { Categories = Enumerable.Range(0, categories).ToList(), MaxDetections = eval.MaxDetections };

    private static JsonNode? Interval(List<double> values, FinetuneEvalConfig eval, int skipped) =>
        Bootstrap.PercentileInterval(values, eval.ConfidenceLevel, skipped) is { } interval ? new JsonArray(interval.Lower, interval.Upper) : null;

    private static JsonNode? Json(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
