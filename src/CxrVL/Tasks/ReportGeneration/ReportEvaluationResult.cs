using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Reports;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>A split's generated (or retrieved) reports with every metric, its bootstrap interval over the reports, and what they were scored with.</summary>
public sealed record ReportEvaluationResult(GeneratedReports Reports, ScoredReports Scores)
{
    public IReadOnlyDictionary<string, string> Predictions => Reports.Predictions;

    public IReadOnlyDictionary<string, string> References => Reports.References;

    /// <summary>Each metric's value over all reports (<see cref="ReportMetrics.Names"/>) and the sample count.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = Scores.Metrics.ToDictionary(m => m.Metric, m => m.Value);
        result["samples"] = Scores.Statistics.Count;
        return result;
    }

    /// <summary>
    /// Everything in one object, a table one <c>pandas.DataFrame(json["metrics"]).T</c> away: split, sections, sample
    /// count, every metric as value, lower and upper, diversity figures, the bootstrap's resamples and seed, the labeler
    /// with its uncertain convention and label order, and what each key means.
    /// </summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["split"] = Reports.Split,
            ["sections"] = new JsonArray(Reports.Sections.Select(s => (JsonNode)s).ToArray()),
            ["samples"] = Scores.Statistics.Count,
            ["metrics"] = ReportJson.Metrics(Scores.Metrics),
            ["diversity"] = ReportJson.Diversity(Scores.Diversity),
            ["bootstrap"] = ReportJson.Bootstrap(Scores.Options),
        };
        ReportJson.AddLabeling(json, Scores.Labeler, Scores.Options.Uncertain);
        json["computed"] = ReportJson.Definitions();
        return json;
    }

    /// <summary>The console summary: what was scored and how, then one line per metric with its interval.</summary>
    public string Summary()
    {
        var options = Scores.Options;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Scores.Statistics.Count} reports of split '{Reports.Split}', sections {string.Join(" + ", Reports.Sections)}; ");
        text.Append(CultureInfo.InvariantCulture, $"clinical efficacy by the {Scores.Labeler} labeler, uncertain labels {options.Uncertain.ToString().ToLowerInvariant()}\n");
        var interval = options.Resamples > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{options.Level * 100:0.#}% interval ({options.Resamples} bootstrap resamples of the reports, seed {options.Seed})")
            : "no interval (no bootstrap resamples)";
        var width = Scores.Metrics.Max(m => m.Metric.Length) + 2;
        text.Append("metric".PadRight(width)).Append(CultureInfo.InvariantCulture, $"{"value",8}  {interval}\n");
        foreach (var metric in Scores.Metrics)
        {
            text.Append(metric.Metric.PadRight(width)).Append(metric.Value.ToString("F4", CultureInfo.InvariantCulture).PadLeft(8));
            if (metric.Interval is { } bounds)
                text.Append(CultureInfo.InvariantCulture, $"  [{bounds.Lower:F4}, {bounds.Upper:F4}]");
            text.Append('\n');
        }
        text.Append("labels (CE_*): ").AppendJoin(", ", ChexpertObservations.Names).Append('\n');
        text.Append("labels (CE_*_5): ").AppendJoin(", ", ClinicalEfficacy.MainObservations).Append('\n');
        return text.ToString();
    }
}
