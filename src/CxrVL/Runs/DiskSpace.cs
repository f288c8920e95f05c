using System.Globalization;

namespace CxrVL.Runs;

/// <summary>
/// Free space where a large file is about to be written: checked first, so a checkpoint or a converted weights file
/// that cannot fit is refused with the sizes instead of failing half-written, and a write that still runs out of space
/// is reported with the same sizes.
/// </summary>
public static class DiskSpace
{
    /// <summary>Bytes available to this user on the volume holding <paramref name="directory"/>; null when the system cannot tell.</summary>
    public static long? Free(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Refuses to start a write of <paramref name="needed"/> bytes that cannot fit; <paramref name="what"/> names it.</summary>
    /// <param name="free">Free bytes of <paramref name="directory"/>'s volume (tests pass their own); default <see cref="Free"/>.</param>
    public static void Ensure(string directory, long needed, string what, Func<string, long?>? free = null)
    {
        if ((free ?? Free)(directory) is { } available && available < needed)
            throw new CxrVLException($"{what} needs about {Format(needed)} in '{directory}' but only {Format(available)} are free there: " +
                                     "free some space there, or write to another folder.");
    }

    /// <summary>The error for a write that failed part-way (a full disk, a quota, a lost mount), with the sizes involved (<paramref name="needed"/> 0: unknown).</summary>
    public static CxrVLException WriteFailed(string what, string directory, long needed, IOException error, Func<string, long?>? free = null)
    {
        var available = (free ?? Free)(directory);
        var sizes = needed > 0 ? $" It needs about {Format(needed)} in '{directory}'" + (available is { } a ? $"; {Format(a)} are free there now." : ".") : "";
        return new CxrVLException($"writing {what} failed: {error.Message.TrimEnd('.')}.{sizes} Nothing partial was kept: " +
                                  "free some space there, or write to another folder.", error);
    }

    /// <summary>Bytes in the units people read: "91.2 MB".</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.0} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
