using System.Formats.Tar;
using System.IO.Compression;

namespace CxrVL.Data.Download;

/// <summary>
/// Unpacks a <c>.zip</c>, <c>.tgz</c>/<c>.tar.gz</c> or <c>.tar</c> archive entry by entry, letting the caller
/// decide where each entry goes (or skip it), and refusing entries that would land outside the destination.
/// </summary>
public static class ArchiveUnpacker
{
    /// <param name="place">Maps an entry name (forward slashes) to a path relative to <paramref name="destination"/>, or null to skip it.</param>
    /// <returns>The number of files written.</returns>
    public static int Unpack(string archive, string destination, Func<string, string?> place)
    {
        if (!File.Exists(archive))
            throw new CxrVLException($"archive '{archive}' does not exist.");
        destination = Path.GetFullPath(destination);
        Directory.CreateDirectory(destination);
        var name = archive.ToLowerInvariant();
        try
        {
            if (name.EndsWith(".zip"))
                return UnpackZip(archive, destination, place);
            if (name.EndsWith(".tgz") || name.EndsWith(".tar.gz"))
            {
                using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
                return UnpackTar(gzip, destination, place);
            }
            if (name.EndsWith(".tar"))
            {
                using var tar = File.OpenRead(archive);
                return UnpackTar(tar, destination, place);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new CxrVLException($"'{archive}' is not a readable archive ({e.Message}); download it again.", e);
        }
        throw new CxrVLException($"'{archive}' is not a .zip, .tgz, .tar.gz or .tar archive.");
    }

    private static int UnpackZip(string archive, string destination, Func<string, string?> place)
    {
        using var zip = ZipFile.OpenRead(archive);
        var written = 0;
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.EndsWith('/') || Target(destination, entry.FullName, place) is not { } target)
                continue;
            entry.ExtractToFile(target, overwrite: true);
            written++;
        }
        return written;
    }

    private static int UnpackTar(Stream stream, string destination, Func<string, string?> place)
    {
        using var tar = new TarReader(stream);
        var written = 0;
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null ||
                Target(destination, entry.Name, place) is not { } target)
                continue;
            using (var output = File.Create(target))
                entry.DataStream.CopyTo(output);
            written++;
        }
        return written;
    }

    private static string? Target(string destination, string entryName, Func<string, string?> place)
    {
        var name = entryName.Replace('\\', '/');
        while (name.StartsWith("./", StringComparison.Ordinal))
            name = name[2..];
        if (place(name) is not { } relative)
            return null;
        var target = Path.GetFullPath(Path.Combine(destination, relative));
        if (!target.StartsWith(destination + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new CxrVLException($"archive entry '{entryName}' would be written outside '{destination}'; the archive is not trustworthy.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        return target;
    }
}
