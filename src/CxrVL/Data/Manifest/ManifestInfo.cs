using System.Text.Json;

namespace CxrVL.Data.Manifest;

/// <summary>
/// What a manifest was built from, written beside it as <c>FILE.jsonl.info.json</c>: the dataset root its image
/// paths are relative to, the builder's options and seed, and the counts of the build.
/// </summary>
public sealed record ManifestInfo
{
    public required string Dataset { get; init; }

    /// <summary>Absolute dataset root; image and mask paths in the rows are relative to it.</summary>
    public required string Root { get; init; }

    public int Seed { get; init; }

    public DateTime CreatedUtc { get; init; }

    /// <summary>Builder options as given (reports folder, label source, uncertainty policy, ...).</summary>
    public IReadOnlyDictionary<string, string>? Options { get; init; }

    /// <summary>Counts the builder recorded (rows, images present and missing, boxes, masks, skipped rows, ...).</summary>
    public IReadOnlyDictionary<string, long>? Counts { get; init; }

    public static string PathFor(string manifestPath) => manifestPath + ".info.json";

    public void WriteFor(string manifestPath) =>
        Runs.AtomicFile.Write(PathFor(manifestPath), stream =>
            JsonSerializer.Serialize(stream, this, ManifestJson.Info));

    /// <summary>The info file beside a manifest, or null when there is none.</summary>
    public static ManifestInfo? TryReadFor(string manifestPath)
    {
        var path = PathFor(manifestPath);
        if (!File.Exists(path))
            return null;
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize(stream, ManifestJson.Info);
        }
        catch (JsonException e)
        {
            throw new CxrVLException($"'{path}' is not a valid manifest info file: {e.Message}. Rebuild the manifest with 'cxrvl data build'.", e);
        }
    }
}
