using CsvHelper;
using CxrVL.Files;

namespace CxrVL.Evaluation.Labeling;

/// <summary>CSV for label tables and report lists: reading through CsvHelper, and minimal quoting for writing.</summary>
internal static class CsvText
{
    /// <summary>Every non-blank record (header included) with the line it starts on; quoted fields may span lines.</summary>
    public static IEnumerable<(long Line, string[] Fields)> Read(string path)
    {
        using var stream = InputFile.OpenUtf8(path);
        using var reader = CsvReader.Create(stream, CsvReaderOptions.Default with { HasHeader = false, TrackLineNumbers = true }, leaveOpen: false);
        while (true)
        {
            try
            {
                if (!reader.Read())
                    yield break;
            }
            catch (CsvFormatException e)
            {
                throw new CxrVLException($"'{path}' line {e.LineNumber}: malformed CSV ({e.Message}).", e);
            }
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
                fields[i] = reader.GetString(i);
            if (fields.Length > 1 || (fields.Length == 1 && fields[0].Length > 0))
                yield return (reader.LineNumber, fields);
        }
    }

    /// <summary>Quotes a field only when it must be (comma, quote or line break), as pandas and Python's csv do.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
