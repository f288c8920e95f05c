using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CxrVL.Evaluation.Classification;
using CxrVL.Evaluation.Plots;
using CxrVL.Models;
using CxrVL.Runs;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Test metrics of a classifier: per-label and macro AUROC and AP from scores (with bootstrap intervals over test images),
/// F1 and accuracy at a threshold chosen per label on validation, top-1 accuracy and macro F1 for a multi-class head;
/// scores.csv and labels.csv in the layout <c>cxrvl eval cls</c> reads, and ROC / PR curves as PNG.
/// </summary>
public static class ClassificationEvaluation
{
    /// <summary>Scores [N, K] and labels [N, K] (1, 0, -1 uncertain, NaN unknown) of every row, in row order.</summary>
    public static (double[,] Scores, double[,] Labels, IReadOnlyList<string> Ids) Predict(ClassificationMethod method, StudyBatches data)
    {
        var scores = new List<Tensor>();
        var labels = new List<Tensor>();
        var ids = new List<string>();
        method.eval();
        using (no_grad())
        {
            foreach (var batch in data.Epoch(0))
            {
                using (batch)
                {
                    scores.Add(method.Scores(batch.Images).cpu().to(float64));
                    labels.Add(where(batch.LabelMentioned!, batch.Labels!.to(float64), full_like(batch.Labels!, double.NaN, float64)).cpu());
                    ids.AddRange(batch.StudyIds);
                }
            }
        }
        using var allScores = cat(scores, 0);
        using var allLabels = cat(labels, 0);
        scores.ForEach(t => t.Dispose());
        labels.ForEach(t => t.Dispose());
        return (TensorArrays.ToMatrix(allScores), TensorArrays.ToMatrix(allLabels), ids);
    }

    /// <summary>Validation metrics for early stopping: mean loss and macro AUROC (NaN without any label having both classes).</summary>
    public static IReadOnlyDictionary<string, double> Validate(ClassificationMethod method, StudyBatches data, IReadOnlyList<string> classes)
    {
        var loss = FinetuneValidation.MeanLoss(method, data);
        var (scores, labels, ids) = Predict(method, data);
        var result = MultiLabelEvaluator.Evaluate(classes, scores, labels, new MultiLabelOptions { SampleIds = ids });
        return new Dictionary<string, double> { ["val_loss"] = loss, ["val_auroc"] = result.MacroAuroc };
    }

    public static TaskEvaluation Evaluate(ClassificationMethod method, StudyBatches valid, StudyBatches test, IReadOnlyList<string> classes,
                                          FinetuneEvalConfig eval, int seed, string directory)
    {
        var (validScores, validLabels, _) = Predict(method, valid);
        var (scores, labels, ids) = Predict(method, test);
        var result = MultiLabelEvaluator.Evaluate(classes, scores, labels, new MultiLabelOptions
        {
            // Study ids: a non-finite score of a diverged model, or a bad label, names its manifest row.
            SampleIds = ids,
            BootstrapResamples = eval.Bootstrap,
            Seed = seed,
            ConfidenceLevel = eval.ConfidenceLevel,
            KeepCurves = true,
        });
        var json = MultiLabelReport.ToJson(result);
        var perLabel = (JsonObject)json["per_label"]!;
        var f1s = new List<double>();
        var accuracies = new List<double>();
        for (var k = 0; k < classes.Count; k++)
        {
            var entry = (JsonObject)perLabel[classes[k]]!;
            var (vs, vp) = Column(validScores, validLabels, k);
            var (ts, tp) = Column(scores, labels, k);
            if (!vp.Contains(true) || tp.Length == 0)
            {
                entry["f1"] = null;
                entry["threshold_note"] = "no validation positive: no threshold";
                continue;
            }
            var chosen = ThresholdSelection.F1AtValidationThreshold(vs, vp, ts, tp);
            entry["threshold"] = chosen.Threshold;
            entry["f1"] = chosen.TestF1;
            entry["accuracy"] = chosen.Test.Accuracy;
            entry["precision"] = chosen.Test.Precision;
            entry["recall"] = chosen.Test.Recall;
            if (tp.Contains(true))
                f1s.Add(chosen.TestF1);
            accuracies.Add(chosen.Test.Accuracy);
        }
        var headline = new Dictionary<string, double>
        {
            ["auroc_macro"] = result.MacroAuroc,
            ["ap_macro"] = result.MacroAveragePrecision,
            ["f1_macro"] = f1s.Count > 0 ? f1s.Average() : double.NaN,
            ["accuracy"] = accuracies.Count > 0 ? accuracies.Average() : double.NaN,
        };
        json["f1_macro"] = Json(headline["f1_macro"]);
        json["threshold"] = "per label, the validation score with the best validation F1";
        if (method.MultiClass)
        {
            // Multi-class rows hold exactly one positive (FinetuneData), so the label argmax is the class.
            var truth = MultiClassMetrics.ArgMax(labels);
            var predicted = MultiClassMetrics.ArgMax(scores);
            var matrix = ConfusionMatrix.Of(truth, predicted, classes.Count);
            headline["accuracy"] = matrix.Accuracy;
            headline["f1_macro"] = matrix.MacroF1;
            json["top1_accuracy"] = matrix.Accuracy;
            json["argmax_f1_macro"] = matrix.MacroF1;
            json["accuracy_ci"] = Interval(Bootstrap.Interval(ids.Count, counts =>
            {
                double hits = 0, total = 0;
                for (var i = 0; i < counts.Length; i++)
                {
                    total += counts[i];
                    hits += predicted[i] == truth[i] ? counts[i] : 0;
                }
                return hits / total;
            }, eval.Bootstrap, seed, eval.ConfidenceLevel));
        }
        json["accuracy"] = Json(headline["accuracy"]);
        WriteCsv(Path.Combine(directory, "scores.csv"), ids, classes, scores, v => v.ToString("R", CultureInfo.InvariantCulture));
        WriteCsv(Path.Combine(directory, "labels.csv"), ids, classes, labels,
            v => double.IsNaN(v) ? "" : v.ToString(CultureInfo.InvariantCulture));
        CurvePlots.WriteAll(Path.Combine(directory, "plots"), result);
        return new TaskEvaluation(json, headline);
    }

    private static (double[] Scores, bool[] Positive) Column(double[,] scores, double[,] labels, int k)
    {
        var rows = Enumerable.Range(0, scores.GetLength(0)).Where(i => labels[i, k] is 0 or 1).ToArray();
        return (rows.Select(i => scores[i, k]).ToArray(), rows.Select(i => labels[i, k] == 1).ToArray());
    }

    private static JsonNode? Json(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static JsonNode? Interval(ConfidenceInterval? interval) =>
        interval is null ? null : new JsonArray(interval.Lower, interval.Upper);

    private static void WriteCsv(string path, IReadOnlyList<string> ids, IReadOnlyList<string> classes, double[,] values, Func<double, string> format)
    {
        var text = new StringBuilder("id," + string.Join(',', classes.Select(Quote)) + "\n");
        for (var i = 0; i < ids.Count; i++)
        {
            text.Append(Quote(ids[i]));
            for (var k = 0; k < classes.Count; k++)
                text.Append(',').Append(format(values[i, k]));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    internal static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
