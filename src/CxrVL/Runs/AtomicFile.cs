namespace CxrVL.Runs;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so a crash never leaves half a file. A write that fails (a
/// full disk, a lost mount) removes the temporary file and is reported with the file's name and, when the caller knows
/// it, the size it needed, which is also checked against the free space before anything is written.
/// </summary>
public static class AtomicFile
{
    /// <param name="needed">Bytes the file will take, when known: checked against the free space first (0: unknown).</param>
    public static void Write(string path, Action<Stream> write, long needed = 0)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        if (needed > 0)
            DiskSpace.Ensure(directory, needed, $"'{path}'");
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException e)
        {
            throw DiskSpace.WriteFailed($"'{path}'", directory, needed, e);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });
}
