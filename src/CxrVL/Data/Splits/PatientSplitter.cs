using CxrVL.Data.Manifest;

namespace CxrVL.Data.Splits;

/// <summary>
/// Draws a patient-disjoint train/valid/test split: patients are ranked by a seeded stable hash and cut by the
/// proportions, so every study of a patient lands in one split and the same seed gives the same split.
/// </summary>
public static class PatientSplitter
{
    /// <param name="proportions">Train, valid, test proportions (normalized to sum 1).</param>
    public static IReadOnlyDictionary<string, string> Assign(IEnumerable<string> subjects, IReadOnlyList<double> proportions, int seed)
    {
        if (proportions.Count != 3 || proportions.Any(p => p < 0 || double.IsNaN(p)) || proportions.Sum() <= 0)
            throw new CxrVLException($"split proportions must be three non-negative numbers train,valid,test (e.g. 0.7,0.1,0.2); got {string.Join(',', proportions)}.");
        var ranked = subjects.Distinct(StringComparer.Ordinal)
            .OrderBy(s => StableHash.Of(seed, "split", s)).ThenBy(s => s, StringComparer.Ordinal)
            .ToList();
        var total = proportions.Sum();
        var trainCount = (int)Math.Round(ranked.Count * proportions[0] / total);
        var validCount = (int)Math.Round(ranked.Count * (proportions[0] + proportions[1]) / total) - trainCount;
        var result = new Dictionary<string, string>(ranked.Count, StringComparer.Ordinal);
        for (var i = 0; i < ranked.Count; i++)
            result[ranked[i]] = i < trainCount ? ManifestSplits.Train : i < trainCount + validCount ? ManifestSplits.Valid : ManifestSplits.Test;
        return result;
    }
}
