using System.Text;

namespace CxrVL.Evaluation;

/// <summary>
/// Reads CSV (RFC 4180: comma-separated, fields optionally in double quotes with "" for a quote, quoted fields
/// may span lines) and yields each record with the line it starts on. Empty lines are skipped.
/// </summary>
internal static class CsvRecords
{
    public static IEnumerable<(int Line, string[] Fields)> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var quoted = false;
        var fieldStarted = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                        quoted = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (fieldStarted || field.Length > 0 || fields.Count > 0)
                    {
                        fields.Add(field.ToString());
                        yield return (start, fields.ToArray());
                    }
                    fields.Clear();
                    field.Clear();
                    fieldStarted = false;
                    line++;
                    start = line;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (quoted)
            throw new CxrVLException($"{path}: a quoted field opened on line {start} is never closed.");
        if (fieldStarted || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (start, fields.ToArray());
        }
    }
}
