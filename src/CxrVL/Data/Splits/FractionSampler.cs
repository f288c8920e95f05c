namespace CxrVL.Data.Splits;

/// <summary>
/// Draws training-data fractions (1%, 10%, ...) from training studies: studies are ranked by a seeded stable hash
/// and each fraction takes the first round(p·N) of that ranking (at least one), so smaller fractions are prefixes
/// of larger ones (nested) and the same seed gives the same subsets.
/// </summary>
public static class FractionSampler
{
    /// <returns>For each training study id, the fractions (ascending) whose subset holds it; studies in none are absent.</returns>
    public static IReadOnlyDictionary<string, IReadOnlyList<int>> Assign(IEnumerable<string> trainStudies, IReadOnlyList<int> percents, int seed)
    {
        var invalid = percents.Where(p => p is <= 0 or > 100).ToList();
        if (invalid.Count > 0)
            throw new CxrVLException($"data fractions are percentages in (0, 100]; got {string.Join(',', invalid)}.");
        var ranked = trainStudies.Distinct(StringComparer.Ordinal)
            .OrderBy(s => StableHash.Of(seed, "fraction", s)).ThenBy(s => s, StringComparer.Ordinal)
            .ToList();
        var sorted = percents.Where(p => p < 100).Distinct().Order().ToList();
        var result = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        if (ranked.Count == 0)
            return result;
        var sizes = sorted.Select(p => Math.Max(1, (int)Math.Round(ranked.Count * p / 100.0))).ToList();
        for (var i = 0; i < ranked.Count && sizes.Count > 0 && i < sizes[^1]; i++)
            result[ranked[i]] = sorted.Where((_, k) => i < sizes[k]).ToList();
        return result;
    }
}
