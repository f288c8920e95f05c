using System.Text.Json;
using CxrVL.Files;

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

    /// <summary>
    /// The info file beside a manifest. A missing manifest is reported as such (not as a missing info file), and a
    /// manifest without its info file says how to get one.
    /// </summary>
    public static ManifestInfo ReadFor(string manifestPath)
    {
        ManifestReader.EnsureExists(manifestPath);
        var path = PathFor(manifestPath);
        if (!File.Exists(path))
            throw new CxrVLException($"manifest '{manifestPath}' has no info file '{path}' naming its dataset root: " +
                                     "build the manifest with 'cxrvl data build', which writes it beside the rows.");
        try
        {
            return InputFile.ReadJson(path, ManifestJson.Info, "manifest info file");
        }
        catch (CxrVLException e) when (e.InnerException is JsonException)
        {
            throw new CxrVLException($"{e.Message} Rebuild the manifest with 'cxrvl data build'.", e);
        }
    }
}
