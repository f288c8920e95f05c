using System.Text.Json;
using System.Text.Json.Nodes;

namespace CxrVL.Evaluation.Classification;

/// <summary>
/// The JSON form of a <see cref="MultiLabelResult"/> (what <c>cxrvl eval cls</c> prints and writes as
/// metrics.json): snake_case keys, undefined values (NaN) as null, intervals as [lower, upper].
/// </summary>
public static class MultiLabelReport
{
    public static JsonObject ToJson(MultiLabelResult result, LabelScoreTable? table = null)
    {
        var perLabel = new JsonObject();
        foreach (var label in result.Labels)
        {
            var entry = new JsonObject
            {
                ["auroc"] = Number(label.Auroc),
                ["ap"] = Number(label.AveragePrecision),
                ["n_pos"] = label.Positives,
                ["n_neg"] = label.Negatives,
                ["n_uncertain"] = label.Uncertain,
                ["n_missing"] = label.Missing,
            };
            if (result.BootstrapResamples > 0)
            {
                entry["auroc_ci"] = Interval(label.AurocInterval);
                entry["ap_ci"] = Interval(label.AveragePrecisionInterval);
                entry["bootstrap_skipped"] = label.AurocInterval?.Skipped;
            }
            perLabel[label.Name] = entry;
        }

        var json = new JsonObject
        {
            ["n_images"] = result.Samples,
            ["auroc_macro"] = Number(result.MacroAuroc),
            ["ap_macro"] = Number(result.MacroAveragePrecision),
            ["labels_averaged"] = new JsonArray(result.Labels.Where(l => l.HasBothClasses).Select(l => (JsonNode)l.Name).ToArray()),
            ["labels_without_both_classes"] = new JsonArray(result.LabelsWithoutBothClasses.Select(n => (JsonNode)n).ToArray()),
        };
        if (result.BootstrapResamples > 0)
        {
            json["auroc_macro_ci"] = Interval(result.MacroAurocInterval);
            json["ap_macro_ci"] = Interval(result.MacroAveragePrecisionInterval);
            json["bootstrap"] = new JsonObject
            {
                ["resamples"] = result.BootstrapResamples,
                ["seed"] = result.BootstrapSeed,
                ["level"] = result.MacroAurocInterval?.Level ?? result.Labels.Select(l => l.AurocInterval?.Level).FirstOrDefault(l => l is not null),
                ["method"] = "percentile, resampling images",
                ["macro_skipped"] = result.MacroAurocInterval?.Skipped,
            };
        }
        json["per_label"] = perLabel;
        if (table is not null)
        {
            json["skipped"] = new JsonObject
            {
                ["ids_only_in_labels"] = table.IdsOnlyInLabels,
                ["ids_only_in_scores"] = table.IdsOnlyInScores,
                ["bad_rows"] = table.BadRows,
            };
            json["ignored_score_columns"] = new JsonArray(table.IgnoredScoreColumns.Select(n => (JsonNode)n).ToArray());
        }
        return json;
    }

    public static string Format(JsonObject json) => json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static JsonNode? Interval(ConfidenceInterval? interval) =>
        interval is null ? null : new JsonArray(JsonValue.Create(interval.Lower), JsonValue.Create(interval.Upper));
}
