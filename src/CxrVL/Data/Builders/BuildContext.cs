using CxrVL.Data.Manifest;
using CxrVL.Runs;

namespace CxrVL.Data.Builders;

/// <summary>What a builder works with: its options, counters, progress, and the rule for malformed source rows.</summary>
public sealed class BuildContext(BuildOptions options, IProgressTracker? progress = null)
{
    private readonly IProgressTracker? _progress = progress;

    public BuildOptions Options { get; } = options;

    public string Root => Options.Root;

    public BuildCounts Counts { get; } = new();

    public void Advance(long count = 1) => _progress?.Advance(count);

    /// <summary>
    /// A malformed source row: an error naming file and row, or (with <see cref="BuildOptions.SkipBad"/>) counted
    /// under <c>bad_rows</c> and skipped.
    /// </summary>
    public void BadRow(string file, long row, string problem)
    {
        if (!Options.SkipBad)
            throw new CxrVLException($"{file}: line {row}: {problem}. Fix the row, or pass --skip-bad to skip and count malformed rows.");
        Counts.Add("bad_rows");
    }

    /// <summary>An image entry with its presence checked on disk and counted.</summary>
    public ManifestImage Image(string relativePath, string? imageId = null, string? view = null)
    {
        var path = relativePath.Replace('\\', '/');
        var present = File.Exists(System.IO.Path.Combine(Root, path));
        Counts.Add(present ? "images_present" : "images_missing");
        return new ManifestImage { Path = path, Present = present, ImageId = imageId, View = NormalizeView(view) };
    }

    /// <summary>Applies the uncertainty policy to a -1 / 0 / 1 label.</summary>
    public int Uncertain(int value) => value != -1 ? value : Options.Uncertain switch
    {
        UncertainPolicy.Ones => 1,
        UncertainPolicy.Zeros => 0,
        _ => -1,
    };

    private static string? NormalizeView(string? view) =>
        string.IsNullOrWhiteSpace(view) ? null : view.Trim().ToUpperInvariant();
}
