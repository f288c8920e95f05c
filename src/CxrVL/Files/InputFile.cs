using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace CxrVL.Files;

/// <summary>
/// The one place user-given files are read: a missing path, a folder where a file was expected, bytes that are not
/// UTF-8 and JSON that does not parse are each a <see cref="CxrVLException"/> naming the file and, where it applies,
/// the line and column. Text is decoded strictly, so a bad byte is an error here instead of a replacement character
/// or an exception deep inside a parser that no longer knows the file.
/// </summary>
public static class InputFile
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's bytes; <paramref name="kind"/> names the file in errors ("references file", "manifest", ...).</summary>
    public static byte[] ReadBytes(string path, string kind = "file")
    {
        EnsureFile(path, kind);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CxrVLException($"{kind} '{path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The whole file as UTF-8 text (a byte-order mark is dropped); invalid bytes are an error naming line and column.</summary>
    public static string ReadText(string path, string kind = "file") => Decode(ReadBytes(path, kind), path);

    /// <summary>The text of <paramref name="bytes"/> read from <paramref name="path"/>, decoded strictly as UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string path, int firstLine = 1)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        if (!Utf8.IsValid(bytes))
            throw NotUtf8(bytes, path, firstLine);
        return Strict.GetString(bytes);
    }

    /// <summary>
    /// The file's bytes as a stream once they are known to be UTF-8, for parsers that read streams (CsvHelper); meant for
    /// tables and lists that fit in memory.
    /// </summary>
    public static Stream OpenUtf8(string path, string kind = "file")
    {
        var bytes = ReadBytes(path, kind);
        if (!Utf8.IsValid(bytes))
            throw NotUtf8(bytes, path, 1);
        return new MemoryStream(bytes, writable: false);
    }

    /// <summary>
    /// The file's lines with their 1-based numbers, streamed (a <c>.gz</c> file is decompressed); a line that is not
    /// UTF-8 is an error naming the file, line and column.
    /// </summary>
    public static IEnumerable<(int Number, string Text)> ReadLines(string path, string kind = "file")
    {
        EnsureFile(path, kind);
        return Lines(path);
    }

    /// <summary>A JSON document; the whole file must be UTF-8 and valid JSON.</summary>
    public static JsonDocument ReadJson(string path, string kind = "file")
    {
        var text = ReadText(path, kind);
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw JsonError(path, e);
        }
    }

    /// <summary>A JSON tree; the whole file must be UTF-8 and valid JSON.</summary>
    public static JsonNode ReadJsonNode(string path, string kind = "file")
    {
        var text = ReadText(path, kind);
        try
        {
            return JsonNode.Parse(text) ?? throw new CxrVLException($"{kind} '{path}' holds JSON null, not a value.");
        }
        catch (JsonException e)
        {
            throw JsonError(path, e);
        }
    }

    /// <summary>The file deserialised as <typeparamref name="T"/>; a null document is an error.</summary>
    public static T ReadJson<T>(string path, JsonTypeInfo<T> type, string kind = "file")
    {
        var text = ReadText(path, kind);
        try
        {
            return JsonSerializer.Deserialize(text, type) ?? throw new CxrVLException($"{kind} '{path}' holds JSON null, not a value.");
        }
        catch (JsonException e)
        {
            throw JsonError(path, e);
        }
    }

    /// <summary>The file deserialised as <typeparamref name="T"/> with the serializer's default options.</summary>
    public static T ReadJson<T>(string path, string kind) => ReadJson<T>(path, (JsonSerializerOptions?)null, kind);

    /// <summary>The file deserialised as <typeparamref name="T"/> with reflection-based <paramref name="options"/>.</summary>
    public static T ReadJson<T>(string path, JsonSerializerOptions? options, string kind = "file")
    {
        var text = ReadText(path, kind);
        try
        {
            return JsonSerializer.Deserialize<T>(text, options) ?? throw new CxrVLException($"{kind} '{path}' holds JSON null, not a value.");
        }
        catch (JsonException e)
        {
            throw JsonError(path, e);
        }
    }

    /// <summary>A JSON parse error as the user should see it: file, line and column (1-based), and the parser's reason.</summary>
    /// <param name="line">The file's line the parsed text started on (for one line of a JSON Lines file).</param>
    /// <param name="fix">What the user should do about it.</param>
    public static CxrVLException JsonError(string path, JsonException error, int line = 1, string fix = "fix the file or write it again")
    {
        var at = error.LineNumber is { } l ? $":{line + l}:{(error.BytePositionInLine ?? 0) + 1}" : line > 1 ? $":{line}" : "";
        // The parser's message repeats the position it was given ("LineNumber: 0 | BytePositionInLine: 7."); drop it.
        var reason = error.Message;
        var cut = reason.IndexOf(" Path: ", StringComparison.Ordinal) is var p and >= 0 ? p : reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
            reason = reason[..cut];
        return new CxrVLException($"{path}{at}: not valid JSON ({reason.TrimEnd('.', ' ')}); {fix}.", error);
    }

    private static void EnsureFile(string path, string kind)
    {
        if (File.Exists(path))
            return;
        throw new CxrVLException(Directory.Exists(path)
            ? $"{kind} '{path}' is a folder; pass the file itself."
            : $"{kind} '{path}' does not exist.");
    }

    private static IEnumerable<(int Number, string Text)> Lines(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            var filled = stream.ReadAtLeast(buffer, 3, throwOnEndOfStream: false);
            var number = 0;
            var start = filled >= 3 && buffer.AsSpan(0, 3).SequenceEqual(Encoding.UTF8.Preamble) ? 3 : 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // A line longer than the buffer: grow it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = stream.Read(buffer, filled, buffer.Length - filled);
                filled += read;
                while (buffer.AsSpan(start, filled - start).IndexOf((byte)'\n') is var end and >= 0)
                {
                    number++;
                    yield return (number, Line(buffer.AsSpan(start, end), path, number));
                    start += end + 1;
                }
                if (read == 0)
                {
                    if (filled > start)
                        yield return (number + 1, Line(buffer.AsSpan(start, filled - start), path, number + 1));
                    yield break;
                }
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
                start = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Line(ReadOnlySpan<byte> bytes, string path, int number)
    {
        if (bytes.EndsWith((byte)'\r'))
            bytes = bytes[..^1];
        if (!Utf8.IsValid(bytes))
            throw NotUtf8(bytes, path, number);
        return Strict.GetString(bytes);
    }

    internal static CxrVLException NotUtf8(ReadOnlySpan<byte> bytes, string path, int firstLine)
    {
        var chars = new char[bytes.Length];
        Utf8.ToUtf16(bytes, chars, out var valid, out _, replaceInvalidSequences: false);
        var before = bytes[..valid];
        var line = firstLine + before.Count((byte)'\n');
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        var column = Encoding.UTF8.GetCharCount(before[lineStart..]) + 1;
        return new CxrVLException($"{path}:{line}:{column}: not valid UTF-8 (byte 0x{bytes[valid]:X2}); save the file as UTF-8.");
    }
}
