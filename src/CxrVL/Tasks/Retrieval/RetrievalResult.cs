using System.Globalization;

namespace CxrVL.Tasks.Retrieval;

/// <summary>
/// Image-report retrieval on a set of pairs: Recall@K both ways by K, and with classes Precision@K of image queries
/// (a retrieved note is relevant when its study has the query's class).
/// </summary>
public sealed record RetrievalResult(
    int Pairs,
    IReadOnlyDictionary<int, double> ImageToTextRecall,
    IReadOnlyDictionary<int, double> TextToImageRecall,
    IReadOnlyDictionary<int, double>? ImageToTextPrecision)
{
    /// <summary>
    /// The mean of Recall@K over both directions and every K: what validation monitors as <c>val_recall</c>. Summed in
    /// the order of the metric names, as runs have always computed it, so the value is the same to the last bit.
    /// </summary>
    public double MeanRecall => ToMetrics().Where(p => p.Key.Contains("_recall@", StringComparison.Ordinal)).Average(p => p.Value);

    /// <summary>The flat form of <c>cxrvl retrieve</c>'s JSON: <c>pairs</c>, <c>i2t_recall@K</c>, <c>t2i_recall@K</c>, <c>i2t_precision@K</c>.</summary>
    public IReadOnlyDictionary<string, double> ToMetrics()
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["pairs"] = Pairs };
        foreach (var (k, value) in ImageToTextRecall)
            metrics[string.Create(CultureInfo.InvariantCulture, $"i2t_recall@{k}")] = value;
        foreach (var (k, value) in TextToImageRecall)
            metrics[string.Create(CultureInfo.InvariantCulture, $"t2i_recall@{k}")] = value;
        foreach (var (k, value) in ImageToTextPrecision ?? new Dictionary<int, double>())
            metrics[string.Create(CultureInfo.InvariantCulture, $"i2t_precision@{k}")] = value;
        return metrics;
    }
}
