using System.Globalization;
using System.Text;
using System.Text.Json;
using CxrVL.Evaluation.Nlg;
using CxrVL.Files;
using CxrVL.Runs;

namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Reads reports for <c>cxrvl label</c> and writes and reads its label tables. Inputs: a CSV with one report per
/// row in its first column and no header (the CheXpert labeler's input); a JSON object mapping ids to texts; or
/// JSON Lines with an id (<c>id</c>, <c>study_id</c>) and a <c>report</c> that is a text or a manifest report object
/// (findings and impression joined), or a <c>text</c>. The table is the CheXpert labeler's: a first column
/// (<c>Reports</c> holding the text for CSV input, else <c>id</c>) and the 14 observations as 1.0 / 0.0 / -1.0 / blank.
/// </summary>
public static class LabelFiles
{
    public static ReportSource ReadReports(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".csv":
                return new ReportSource("Reports", CsvText.Read(path)
                    .Select(r => new KeyValuePair<string, string>(r.Fields[0], r.Fields[0])).ToList());
            case ".json":
                return new ReportSource("id", TextFiles.ReadMap(path).Select(p => p.Value.Count == 1
                    ? new KeyValuePair<string, string>(p.Key, p.Value[0])
                    : throw new CxrVLException($"'{path}': id '{p.Key}' maps to {p.Value.Count} texts; give one report per id.")).ToList());
            case ".jsonl":
                return new ReportSource("id", ReadJsonLines(path));
            default:
                throw new CxrVLException($"'{path}': unknown report file type '{extension}'; use .csv (one report per row), .json (id -> text) or .jsonl.");
        }
    }

    public static void Write(string path, ReportSource source, IReadOnlyList<ChexpertLabels> labels)
    {
        var text = new StringBuilder();
        text.Append(CsvText.Quote(source.KeyColumn));
        foreach (var name in ChexpertObservations.Names)
            text.Append(',').Append(CsvText.Quote(name));
        text.Append('\n');
        for (var i = 0; i < labels.Count; i++)
        {
            text.Append(CsvText.Quote(source.Reports[i].Key));
            foreach (var value in labels[i].Values)
                text.Append(',').Append(value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "");
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a label table written by <see cref="Write"/> (or by the CheXpert labeler): key to labels.</summary>
    public static IReadOnlyList<KeyValuePair<string, ChexpertLabels>> ReadLabels(string path)
    {
        using var records = CsvText.Read(path).GetEnumerator();
        if (!records.MoveNext())
            throw new CxrVLException($"'{path}' is empty; expected a header and one row per report.");
        var header = records.Current.Fields;
        var columns = ChexpertObservations.Names.Select(name => Array.IndexOf(header, name)).ToArray();
        var missing = ChexpertObservations.Names.Where((_, i) => columns[i] < 0).ToList();
        if (missing.Count > 0)
            throw new CxrVLException($"'{path}' lacks the column(s) {string.Join(", ", missing)}; expected the CheXpert labeler's 14 observation columns.");
        var result = new List<KeyValuePair<string, ChexpertLabels>>();
        while (records.MoveNext())
        {
            var (line, row) = records.Current;
            var values = new int?[columns.Length];
            for (var k = 0; k < columns.Length; k++)
            {
                var cell = columns[k] < row.Length ? row[columns[k]].Trim() : "";
                values[k] = cell.Length == 0 ? null
                    : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is 1 or 0 or -1 ? (int)v
                    : throw new CxrVLException($"'{path}' line {line}, column '{ChexpertObservations.Names[k]}': '{cell}' is not 1, 0, -1 or blank.");
            }
            result.Add(new(row[0], new ChexpertLabels(values)));
        }
        return result;
    }

    private static List<KeyValuePair<string, string>> ReadJsonLines(string path)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var (lineNumber, line) in InputFile.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var id = Field(root, "id") ?? Field(root, "study_id") ?? lineNumber.ToString(CultureInfo.InvariantCulture);
                var text = ReportText(root)
                    ?? throw new CxrVLException($"'{path}' line {lineNumber}: no 'report' or 'text' field; each line needs the report text.");
                result.Add(new(id, text));
            }
            catch (JsonException e)
            {
                throw InputFile.JsonError(path, e, lineNumber);
            }
        }
        return result;
    }

    private static string? ReportText(JsonElement root)
    {
        if (root.TryGetProperty("report", out var report))
        {
            if (report.ValueKind == JsonValueKind.String)
                return report.GetString();
            if (report.ValueKind == JsonValueKind.Object)
            {
                var parts = new[] { Field(report, "findings"), Field(report, "impression") }.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
                return parts.Count > 0 ? string.Join(' ', parts) : Field(report, "full_text") ?? "";
            }
        }
        return Field(root, "text");
    }

    private static string? Field(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
