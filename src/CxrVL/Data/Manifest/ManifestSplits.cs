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
}
