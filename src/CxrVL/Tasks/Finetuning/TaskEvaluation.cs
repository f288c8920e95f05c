using System.Text.Json.Nodes;

namespace CxrVL.Tasks.Finetuning;

/// <summary>One seed's test results: the full metrics (written as that seed's metrics.json) and the headline numbers averaged over seeds.</summary>
public sealed record TaskEvaluation(JsonObject Metrics, IReadOnlyDictionary<string, double> Headline);
