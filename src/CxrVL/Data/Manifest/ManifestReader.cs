using System.Globalization;
using System.Text.Json;
using CxrVL.Configuration;
using CxrVL.Files;

namespace CxrVL.Data.Manifest;

/// <summary>
/// Streams a manifest row by row (plain or <c>.gz</c>), never loading the whole file, and checks each row once as it is
/// read, so every command sees the same verdict: a split other than train / valid / test, a label value other than
/// 1, 0 or -1 (blank is an absent key), and a study id that repeats within its dataset are errors naming the file and
/// line. Blank lines are skipped.
/// </summary>
public static class ManifestReader
{
    public static IEnumerable<ManifestRow> Read(string path)
    {
        EnsureExists(path);
        return Rows(path);
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
        var firstLine = new Dictionary<(string Dataset, string StudyId), int>();
        foreach (var (number, line) in InputFile.ReadLines(path, "manifest"))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var row = Parse(line, path, number);
            Check(row, path, number);
            if (!firstLine.TryAdd((row.Dataset, row.StudyId), number))
                throw new CxrVLException(
                    $"{path}:{number}: study '{row.StudyId}' of dataset '{row.Dataset}' already appears on line {firstLine[(row.Dataset, row.StudyId)]}; " +
                    "a study id is unique within its dataset: merge or remove the repeated row, or rebuild the manifest with 'cxrvl data build'.");
            yield return row;
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
            throw InputFile.JsonError(path, e, lineNumber, "rebuild the manifest with 'cxrvl data build'");
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
