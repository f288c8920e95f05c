using CxrVL.Evaluation.Nlg;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// Repetition and diversity of generated reports, the figures that show a generator collapsing to one report or
/// repeating itself, on the texts as scored: words are split on whitespace as the metrics split them; sentences end
/// at '.', '!', '?' or a line break and are compared case-insensitively with their whitespace collapsed.
/// </summary>
public static class TextDiversity
{
    public const int MaxOrder = 4;

    public static DiversityFigures Compute(IReadOnlyList<string> predictions, IReadOnlyList<string> references)
    {
        var distinct = new HashSet<string>[MaxOrder];
        var totals = new long[MaxOrder];
        for (var k = 0; k < MaxOrder; k++)
            distinct[k] = new HashSet<string>(StringComparer.Ordinal);
        var vocabulary = new HashSet<string>(StringComparer.Ordinal);
        double repeated = 0;
        var withRepeats = 0;
        foreach (var prediction in predictions)
        {
            var counts = NgramCounts.Of(prediction, MaxOrder);
            for (var k = 0; k < MaxOrder; k++)
            {
                distinct[k].UnionWith(counts.ByOrder[k].Keys);
                totals[k] += counts.ByOrder[k].Values.Sum();
            }
            vocabulary.UnionWith(counts.ByOrder[0].Keys);
            var sentences = RepeatedSentences(prediction);
            repeated += sentences;
            withRepeats += sentences > 0 ? 1 : 0;
        }
        var referenceWords = references.SelectMany(NgramCounts.PythonSplit).ToHashSet(StringComparer.Ordinal);
        var count = Math.Max(1, predictions.Count);
        return new DiversityFigures(
            Enumerable.Range(0, MaxOrder).Select(k => totals[k] == 0 ? 0 : distinct[k].Count / (double)totals[k]).ToList(),
            predictions.Distinct(StringComparer.Ordinal).Count() / (double)count,
            repeated / count,
            withRepeats / (double)count,
            vocabulary.Count,
            referenceWords.Count == 0 ? 0 : referenceWords.Count(vocabulary.Contains) / (double)referenceWords.Count);
    }

    /// <summary>Sentences of the report that repeat an earlier sentence of it.</summary>
    public static int RepeatedSentences(string report)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = 0;
        foreach (var part in report.Split(['.', '!', '?', '\n', '\r']))
        {
            var words = NgramCounts.PythonSplit(part);
            if (words.Count > 0 && !seen.Add(string.Join(' ', words).ToLowerInvariant()))
                repeated++;
        }
        return repeated;
    }
}
