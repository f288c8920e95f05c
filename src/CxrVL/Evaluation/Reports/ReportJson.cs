using System.Text.Json.Nodes;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg.Meteor;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// The JSON of scored and compared reports: one object per metric keyed by its name, so a table is one
/// <c>pandas.DataFrame(json["metrics"]).T</c> away, with everything the numbers depend on beside them.
/// </summary>
public static class ReportJson
{
    /// <summary><c>{"BLEU_1": {"value": v, "lower": l, "upper": u}, ...}</c>; lower and upper are null without resamples.</summary>
    public static JsonObject Metrics(IReadOnlyList<MetricEstimate> metrics)
    {
        var json = new JsonObject();
        foreach (var metric in metrics)
            json[metric.Metric] = new JsonObject { ["value"] = metric.Value, ["lower"] = metric.Interval?.Lower, ["upper"] = metric.Interval?.Upper };
        return json;
    }

    /// <summary><c>{"BLEU_1": {"A": a, "B": b, "difference": b - a, "lower": l, "upper": u, "p_value": p}, ...}</c>.</summary>
    public static JsonObject Comparison(IReadOnlyList<MetricComparison> metrics)
    {
        var json = new JsonObject();
        foreach (var metric in metrics)
        {
            json[metric.Metric] = new JsonObject
            {
                ["A"] = metric.A, ["B"] = metric.B, ["difference"] = metric.Difference,
                ["lower"] = metric.DifferenceInterval?.Lower, ["upper"] = metric.DifferenceInterval?.Upper, ["p_value"] = metric.PValue,
            };
        }
        return json;
    }

    public static JsonObject Diversity(DiversityFigures figures)
    {
        var json = new JsonObject();
        for (var k = 0; k < figures.Distinct.Count; k++)
            json[$"distinct_{k + 1}"] = figures.Distinct[k];
        json["distinct_reports"] = figures.DistinctReports;
        json["repeated_sentences_per_report"] = figures.RepeatedSentences;
        json["reports_with_repeated_sentence"] = figures.ReportsWithRepeatedSentence;
        json["vocabulary"] = figures.Vocabulary;
        json["vocabulary_coverage"] = figures.VocabularyCoverage;
        return json;
    }

    /// <summary>The labeler, the uncertain-label convention and the observation order clinical efficacy used.</summary>
    public static void AddLabeling(JsonObject json, string labeler, UncertainLabels uncertain)
    {
        json["labeler"] = labeler;
        json["uncertain"] = uncertain.ToString().ToLowerInvariant();
        json["labels"] = new JsonArray(ChexpertObservations.Names.Select(n => (JsonNode)n).ToArray());
        json["labels_5"] = new JsonArray(ClinicalEfficacy.MainObservations.Select(n => (JsonNode)n).ToArray());
    }

    public static JsonObject Bootstrap(ReportScoringOptions options) => new()
    {
        ["resamples"] = options.Resamples, ["level"] = options.Level, ["seed"] = options.Seed,
        ["method"] = "percentile interval over reports resampled with replacement (both systems with the same draw when compared)",
    };

    /// <summary>What the keys mean, for readers of the file.</summary>
    public static JsonObject Definitions() => new()
    {
        ["BLEU_1..BLEU_4, ROUGE_L, CIDEr"] = "as cxrvl eval nlg (coco-caption on the texts as given; CIDEr-D document frequencies from the references of all reports, also in resamples)",
        ["CE_*"] = "clinical efficacy over the 14 observations and, with _5, the 5 main ones; micro, macro and weighted as scikit-learn; reports with an empty reference left out",
        ["METEOR"] = "METEOR 1.5 as cxrvl eval nlg (English rank task, the score of the summed statistics, best reference per report); modules exact, stem" +
                     (WordNetSynonyms.IsPresent(WordNetSynonyms.ResolveDirectory(null)) ? ", synonym (WordNet)" : " (no WordNet database: synonym module skipped)") +
                     (ParaphraseTable.ResolveFile(null) is null ? $"; no paraphrase module (no table in {ParaphraseTable.FileVariable})" : ", paraphrase"),
        ["WORDS"] = "words per generated report",
        ["REPEATED_SENTENCES"] = "sentences per generated report that repeat an earlier sentence of it",
    };
}
