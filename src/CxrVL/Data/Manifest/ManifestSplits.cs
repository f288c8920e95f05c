namespace CxrVL.Data.Manifest;

/// <summary>The split names a manifest uses, whatever the source calls them (MIMIC's "validate" is <see cref="Valid"/>).</summary>
public static class ManifestSplits
{
    public const string Train = "train";
    public const string Valid = "valid";
    public const string Test = "test";

    public static IReadOnlyList<string> All { get; } = [Train, Valid, Test];

    /// <summary>Maps a source's split name to ours, or null if unknown.</summary>
    public static string? Normalize(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "train" or "training" => Train,
        "valid" or "validate" or "validation" or "val" or "dev" => Valid,
        "test" or "testing" => Test,
        _ => null,
    };

    /// <summary>Rows per split for the run's log: "505 rows: train 355, valid 52, test 98" (and how many have no split).</summary>
    public static string Describe(IReadOnlyCollection<ManifestRow> rows)
    {
        var counts = All.Select(split => $"{split} {rows.Count(r => r.Split == split)}").ToList();
        var unsplit = rows.Count(r => r.Split is null);
        if (unsplit > 0)
            counts.Add($"no split {unsplit}");
        return $"{rows.Count} rows: {string.Join(", ", counts)}";
    }
}
