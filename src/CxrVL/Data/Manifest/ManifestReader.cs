using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using CxrVL.Configuration;
using CxrVL.Files;

namespace CxrVL.Data.Manifest;

/// <summary>
/// Reads a manifest (plain or <c>.gz</c>) and checks each row once as it is read, so every command sees the same
/// verdict: a line that is not UTF-8 or not a JSON object, a split other than train / valid / test, a label value
/// other than 1, 0 or -1 (blank is an absent key), and a study id that repeats within its dataset are errors naming
/// the file and line (the first such line in the file). Blank lines are skipped. <see cref="Read"/> streams rows;
/// <see cref="ReadAll"/> holds them all, parsed on every core, with the reports' texts decoded when asked. Rows are
/// parsed from the file's UTF-8 bytes in blocks of about a megabyte of whole lines.
/// </summary>
public static class ManifestReader
{
    private const int BlockBytes = 1 << 20;

    /// <summary>The rows one at a time, never the whole file in memory.</summary>
    public static IEnumerable<ManifestRow> Read(string path)
    {
        EnsureExists(path);
        return Rows(path);
    }

    /// <summary>
    /// Every row, in file order, parsed on all cores; each report keeps its texts as the JSON strings in the file's
    /// bytes (held with the rows, about a megabyte per block of lines) and decodes one when asked
    /// (<see cref="ManifestReport"/>), so a MIMIC-CXR-size manifest loads in seconds.
    /// </summary>
    public static List<ManifestRow> ReadAll(string path)
    {
        EnsureExists(path);
        var rows = new List<ManifestRow>();
        var repeats = new RepeatCheck(path);
        var pending = new Queue<Task<ParsedBlock>>();
        foreach (var chunk in ManifestChunks.Read(path, BlockBytes))
        {
            pending.Enqueue(Task.Run(() => Parse(chunk, path, keepBytes: true)));
            // The file is read ahead of the parsers by at most one block per core.
            while (pending.Count > Environment.ProcessorCount)
                rows.AddRange(repeats.Pass(pending.Dequeue().GetAwaiter().GetResult()));
        }
        while (pending.Count > 0)
            rows.AddRange(repeats.Pass(pending.Dequeue().GetAwaiter().GetResult()));
        return rows;
    }

    /// <summary>A missing manifest (or a folder in its place) is an error that says how to make one.</summary>
    internal static void EnsureExists(string path)
    {
        if (!File.Exists(path))
            throw new CxrVLException(Directory.Exists(path)
                ? $"manifest '{path}' is a folder; pass the .jsonl file 'cxrvl data build' wrote."
                : $"manifest '{path}' does not exist; build one with 'cxrvl data build <source> --root DIR --out {path}'.");
    }

    private static IEnumerable<ManifestRow> Rows(string path)
    {
        var repeats = new RepeatCheck(path);
        foreach (var chunk in ManifestChunks.Read(path, BlockBytes))
        {
            foreach (var row in repeats.Pass(Parse(chunk, path, keepBytes: false)))
                yield return row;
        }
    }

    /// <summary>One block's rows with their line numbers, up to its first bad line (kept to be thrown in file order).</summary>
    private sealed record ParsedBlock(List<(ManifestRow Row, int Line)> Rows, Exception? Error);

    /// <param name="keepBytes">Whether the rows' reports keep their texts in the block's bytes (which are then not returned to the pool).</param>
    private static ParsedBlock Parse(ManifestChunks.Chunk chunk, string path, bool keepBytes)
    {
        var rows = new List<(ManifestRow, int)>();
        ReportTokensConverter.Bytes = keepBytes ? chunk.Buffer : null;
        try
        {
            var bytes = chunk.Bytes;
            var number = chunk.FirstLine;
            for (var start = 0; start < bytes.Length; number++)
            {
                var rest = bytes[start..];
                var end = rest.IndexOf((byte)'\n');
                var line = end < 0 ? rest : rest[..end];
                var offset = chunk.Offset + start;
                start += end < 0 ? rest.Length : end + 1;
                if (line.EndsWith((byte)'\r'))
                    line = line[..^1];
                if (!Utf8.IsValid(line))
                    throw InputFile.NotUtf8(line, path, number);
                if (IsBlank(line))
                    continue;
                ReportTokensConverter.LineStart = (int)(offset - chunk.Offset);
                var row = ParseRow(line, path, number, keepBytes ? ManifestJson.RowKeepingReportTokens : ManifestJson.Row);
                Check(row, path, number);
                rows.Add((row, number));
            }
            return new ParsedBlock(rows, null);
        }
        catch (CxrVLException e)
        {
            return new ParsedBlock(rows, e);
        }
        finally
        {
            ReportTokensConverter.Bytes = null;
            if (!keepBytes)
                chunk.Return();
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) =>
        line.IndexOfAnyExcept(" \t\r\n\v\f"u8) is var first && (first < 0 || line[first] >= 0x80 && string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(line)));

    private static ManifestRow ParseRow(ReadOnlySpan<byte> line, string path, int number, JsonTypeInfo<ManifestRow> contract)
    {
        try
        {
            return JsonSerializer.Deserialize(line, contract) ?? throw new JsonException("a manifest row is a JSON object, not null");
        }
        catch (JsonException e)
        {
            throw InputFile.JsonError(path, e, number, "rebuild the manifest with 'cxrvl data build'");
        }
    }

    /// <summary>Passes on a block's rows, refusing a study id seen before in its dataset, then throws the block's error.</summary>
    private sealed class RepeatCheck(string path)
    {
        private readonly Dictionary<(string Dataset, string StudyId), int> _firstLine = [];

        public IEnumerable<ManifestRow> Pass(ParsedBlock block)
        {
            foreach (var (row, number) in block.Rows)
            {
                if (!_firstLine.TryAdd((row.Dataset, row.StudyId), number))
                    throw new CxrVLException(
                        $"{path}:{number}: study '{row.StudyId}' of dataset '{row.Dataset}' already appears on line {_firstLine[(row.Dataset, row.StudyId)]}; " +
                        "a study id is unique within its dataset: merge or remove the repeated row, or rebuild the manifest with 'cxrvl data build'.");
                yield return row;
            }
            if (block.Error is not null)
                ExceptionDispatchInfo.Throw(block.Error);
        }
    }

    private static void Check(ManifestRow row, string path, int lineNumber)
    {
        if (row.Split is { } split && !ManifestSplits.All.Contains(split))
        {
            var hint = ManifestSplits.Normalize(split) ?? NameSuggester.Closest(split, ManifestSplits.All);
            throw new CxrVLException(
                $"{path}:{lineNumber}: split '{split}' of study '{row.StudyId}' is not one of {string.Join(", ", ManifestSplits.All)}" +
                (hint is null ? "" : $" (did you mean '{hint}'?)") + "; fix the row (or leave the split out) or rebuild the manifest with 'cxrvl data build'.");
        }
        foreach (var (label, value) in row.Labels)
        {
            if (value is not (1 or 0 or -1))
                throw new CxrVLException(
                    $"{path}:{lineNumber}: label '{label}' of study '{row.StudyId}' is {value.ToString(CultureInfo.InvariantCulture)}; " +
                    "a label is 1 (positive), 0 (negative) or -1 (uncertain), and an unmentioned one is left out: fix the row or rebuild the manifest.");
        }
    }
}
