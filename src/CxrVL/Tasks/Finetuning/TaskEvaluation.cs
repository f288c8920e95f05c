using System.Text.Json.Nodes;

namespace CxrVL.Tasks.Finetuning;

/// <summary>One seed's test results: the full metrics (written as that seed's metrics.json) and the headline numbers averaged over seeds.</summary>
public sealed record TaskEvaluation(JsonObject Metrics, IReadOnlyDictionary<string, double> Headline)
{
    /// <summary>The test images, in the order <see cref="Resampled"/> counts them.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>
    /// The headline metrics of a draw of the test images (how often each is drawn; all ones give <see cref="Headline"/>),
    /// for intervals that pair two encoders on the same draws; null when the task does not provide it.
    /// </summary>
    public Func<int[], IReadOnlyDictionary<string, double>>? Resampled { get; init; }
}
