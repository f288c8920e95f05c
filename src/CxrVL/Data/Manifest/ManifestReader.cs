using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CxrVL.Data.Manifest;

/// <summary>
/// Streams a manifest row by row (plain or <c>.gz</c>), never loading the whole file. Blank lines are skipped; a
/// line that is not a valid row is an error naming the file and line.
/// </summary>
public static class ManifestReader
{
    public static IEnumerable<ManifestRow> Read(string path)
    {
        using var reader = OpenText(path);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
                yield return Parse(line, path, lineNumber);
        }
    }

    public static async IAsyncEnumerable<ManifestRow> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        using var reader = OpenText(path);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellation).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
                yield return Parse(line, path, lineNumber);
        }
    }

    private static ManifestRow Parse(string line, string path, int lineNumber)
    {
        try
        {
            return ManifestJson.Deserialize(line);
        }
        catch (JsonException e)
        {
            throw new CxrVLException($"{path}:{lineNumber}: not a valid manifest row ({e.Message}). Rebuild the manifest with 'cxrvl data build'.", e);
        }
    }

    private static StreamReader OpenText(string path)
    {
        if (!File.Exists(path))
            throw new CxrVLException($"manifest '{path}' does not exist; build one with 'cxrvl data build <source> --root DIR --out {path}'.");
        Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            stream = new GZipStream(stream, CompressionMode.Decompress);
        return new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }
}
