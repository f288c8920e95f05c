using System.Buffers;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace CxrVL.Data.Manifest;

/// <summary>
/// A plain (not gzip) manifest whose rows left their report's full text in the file: the text is read back from the
/// row's line when asked. The file must stay as it was when the rows were read (same length and modification time);
/// a manifest rewritten in place since is an error that says to open it again, never another row's text. The file is
/// opened at the first request and kept open for the next ones (positional reads, safe from any thread).
/// </summary>
internal sealed class ManifestTextFile(string path, long length, DateTime written)
{
    private SafeFileHandle? _handle;

    /// <summary>The manifest at <paramref name="path"/> as it is now; null for a gzip manifest, which cannot be read at an offset.</summary>
    public static ManifestTextFile? For(string path)
    {
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            return null;
        var file = new FileInfo(path);
        return new ManifestTextFile(path, file.Length, file.LastWriteTimeUtc);
    }

    /// <summary>The <c>report.full_text</c> of the row whose line starts at <paramref name="offset"/>.</summary>
    public string? FullTextOf(long offset, int lineLength)
    {
        var handle = Handle();
        if (RandomAccess.GetLength(handle) != length || File.GetLastWriteTimeUtc(handle) != written)
            throw new CxrVLException(
                $"manifest '{path}' changed after its rows were read, so a report's full text can no longer be read from it; open the manifest again (rerun the command).");
        var buffer = ArrayPool<byte>.Shared.Rent(lineLength);
        try
        {
            var line = buffer.AsSpan(0, lineLength);
            for (var read = 0; read < lineLength;)
                read += RandomAccess.Read(handle, line[read..], offset + read) is > 0 and var n
                    ? n
                    : throw new CxrVLException($"manifest '{path}' ended before the row at byte {offset}; open the manifest again (rerun the command).");
            return FullText(line);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private SafeFileHandle Handle()
    {
        if (_handle is { } open)
            return open;
        SafeFileHandle opened;
        try
        {
            opened = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CxrVLException($"manifest '{path}' cannot be read again for a report's full text: {e.Message}; open the manifest again (rerun the command).", e);
        }
        if (Interlocked.CompareExchange(ref _handle, opened, null) is { } other)
        {
            opened.Dispose();
            return other;
        }
        return opened;
    }

    /// <summary>
    /// The value at <c>report.full_text</c> of one row's JSON (read once in full already, so known valid); a repeated
    /// key counts by its last value, as when the row was read.
    /// </summary>
    private static string? FullText(ReadOnlySpan<byte> line)
    {
        string? text = null;
        var reader = new Utf8JsonReader(line);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isReport = reader.ValueTextEquals("report"u8);
            reader.Read();
            if (!isReport || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            text = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFullText = reader.ValueTextEquals("full_text"u8);
                reader.Read();
                if (isFullText)
                    text = reader.GetString();
                else
                    reader.Skip();
            }
        }
        return text;
    }
}
