using CsvHelper;
using CxrVL.Data.Builders;
using CxrVL.Files;

namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Reads a labels CSV and a scores CSV with the same layout: a header row whose first column is <c>id</c> and
/// whose other columns are label names, then one row per sample. Label cells are 1, 0, -1 (uncertain) or blank
/// (unknown); <c>1.0</c>-style numbers are accepted. Score cells are numbers. Rows are matched by id; the labels
/// file decides which labels are evaluated, and the scores file must have a column for each.
/// </summary>
public static class LabelScoreFiles
{
    /// <param name="skipBad">
    /// Skip (and count) ids present in only one file, rows with a bad value or a wrong number of fields, and
    /// repeated ids; otherwise the first such problem is an error naming the file, line and column.
    /// </param>
    public static LabelScoreTable Read(string labelsPath, string scoresPath, bool skipBad = false)
    {
        var labels = ReadFile(labelsPath, "labels", skipBad);
        var scores = ReadFile(scoresPath, "scores", skipBad);

        var scoreColumn = new int[labels.Columns.Length];
        for (var l = 0; l < labels.Columns.Length; l++)
        {
            scoreColumn[l] = Array.IndexOf(scores.Columns, labels.Columns[l]);
            if (scoreColumn[l] < 0)
                throw new CxrVLException($"{scoresPath} has no column '{labels.Columns[l]}', which {labelsPath} has; the scores file needs one column per label, named as in the labels file.");
        }

        var onlyInLabels = labels.Rows.Keys.Where(id => !scores.Rows.ContainsKey(id)).ToList();
        var onlyInScores = scores.Rows.Keys.Where(id => !labels.Rows.ContainsKey(id)).ToList();
        if (!skipBad && onlyInLabels.Count > 0)
            throw new CxrVLException($"id '{onlyInLabels[0]}' is in {labelsPath} but not in {scoresPath} ({onlyInLabels.Count} such ids); pass --skip-bad to skip them.");
        if (!skipBad && onlyInScores.Count > 0)
            throw new CxrVLException($"id '{onlyInScores[0]}' is in {scoresPath} but not in {labelsPath} ({onlyInScores.Count} such ids); pass --skip-bad to skip them.");

        var ids = labels.Order.Where(scores.Rows.ContainsKey).ToArray();
        var labelMatrix = new double[ids.Length, labels.Columns.Length];
        var scoreMatrix = new double[ids.Length, labels.Columns.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var labelRow = labels.Rows[ids[i]];
            var scoreRow = scores.Rows[ids[i]];
            for (var l = 0; l < labels.Columns.Length; l++)
            {
                labelMatrix[i, l] = labelRow[l];
                scoreMatrix[i, l] = scoreRow[scoreColumn[l]];
            }
        }
        return new LabelScoreTable(ids, labels.Columns, scoreMatrix, labelMatrix)
        {
            IdsOnlyInLabels = onlyInLabels.Count,
            IdsOnlyInScores = onlyInScores.Count,
            BadRows = labels.BadRows + scores.BadRows,
            IgnoredScoreColumns = scores.Columns.Except(labels.Columns).ToArray(),
        };
    }

    private sealed record ParsedFile(string[] Columns, Dictionary<string, double[]> Rows, List<string> Order, int BadRows);

    private static ParsedFile ReadFile(string path, string kind, bool skipBad)
    {
        using var stream = InputFile.OpenUtf8(path, $"{kind} file");
        using var reader = CsvReader.Create(stream, CsvReaderOptions.Default with { TrackLineNumbers = true }, leaveOpen: false);
        string[] header;
        try
        {
            header = reader.Headers.Select(h => h.Trim()).ToArray();
        }
        catch (CsvFormatException e)
        {
            throw new CxrVLException($"{path}: line {e.LineNumber}: the header is not valid CSV ({e.Message}).", e);
        }
        if (header.Length < 2 || !header[0].Equals("id", StringComparison.OrdinalIgnoreCase))
            throw new CxrVLException($"{path}: the header must be an 'id' column followed by label names: id,<label>,<label>,...");
        var columns = header[1..];
        var repeated = columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new CxrVLException($"{path}: column '{repeated.Key}' appears more than once in the header.");

        var rows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var order = new List<string>();
        var bad = 0;
        while (true)
        {
            try
            {
                if (!reader.Read())
                    break;
            }
            catch (CsvFormatException e)
            {
                throw new CxrVLException($"{path}: line {e.LineNumber}: malformed CSV ({e.Message}).", e);
            }
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
                fields[i] = reader.GetString(i);
            var row = new SourceCsvRow(path, reader.LineNumber, fields);
            var problem = ParseRow(row, columns, kind, out var id, out var values);
            if (problem is null && rows.ContainsKey(id))
                problem = $"id '{id}' appears a second time";
            if (problem is not null)
            {
                if (!skipBad)
                    throw new CxrVLException($"{path} line {row.Line}: {problem}; fix the row or pass --skip-bad to skip bad rows.");
                bad++;
                continue;
            }
            rows[id] = values;
            order.Add(id);
        }
        return new ParsedFile(columns, rows, order, bad);
    }

    private static string? ParseRow(SourceCsvRow row, string[] columns, string kind, out string id, out double[] values)
    {
        id = row[0];
        values = new double[columns.Length];
        if (row.Count != columns.Length + 1)
            return $"{row.Count} fields where the header has {columns.Length + 1}";
        if (id.Length == 0)
            return "the id is blank";
        for (var c = 0; c < columns.Length; c++)
        {
            if (kind == "labels")
            {
                if (!row.TryLabel(c + 1, out var label))
                    return $"column '{columns[c]}' holds '{row[c + 1]}', not 1, 0, -1 or blank";
                values[c] = label ?? double.NaN;
            }
            else
            {
                if (!row.TryDouble(c + 1, out var score) || !double.IsFinite(score))
                    return $"column '{columns[c]}' holds '{row[c + 1]}', not a finite number";
                values[c] = score;
            }
        }
        return null;
    }
}
