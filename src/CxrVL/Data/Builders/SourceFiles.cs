using System.IO.Compression;

namespace CxrVL.Data.Builders;

/// <summary>Finds source files under a dataset root by the names publishers use (plain or gzipped).</summary>
public static class SourceFiles
{
    /// <summary>The first of <paramref name="names"/> (each also tried with <c>.gz</c>) that exists under <paramref name="root"/>, or null.</summary>
    public static string? Find(string root, params string[] names)
    {
        foreach (var name in names)
            foreach (var candidate in new[] { name, name + ".gz" })
            {
                var path = Path.Combine(root, candidate);
                if (File.Exists(path))
                    return path;
            }
        return null;
    }

    public static string Require(string root, string what, params string[] names) =>
        Find(root, names) ?? throw new CxrVLException(
            $"{what} not found under '{root}': expected {string.Join(" or ", names.Select(n => $"'{n}'"))} (optionally .gz). Check --root.");

    /// <summary>The first file in <paramref name="root"/> matching <paramref name="pattern"/> (ordinal order), or null.</summary>
    public static string? FindPattern(string root, string pattern) =>
        Directory.Exists(root)
            ? Directory.EnumerateFiles(root, pattern).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;

    public static TextReader OpenText(string path)
    {
        Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            stream = new GZipStream(stream, CompressionMode.Decompress);
        return new StreamReader(stream);
    }

    /// <summary>A path relative to <paramref name="root"/> with forward slashes, as manifests store it.</summary>
    public static string Relative(string root, string path) =>
        Path.GetRelativePath(root, path).Replace('\\', '/');
}
