namespace CxrVL.Evaluation.Labeling;

/// <summary>CSV writing for label tables (reading is <see cref="CsvRecords"/>).</summary>
internal static class CsvText
{
    /// <summary>Quotes a field only when it must be (comma, quote or line break), as pandas and Python's csv do.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
