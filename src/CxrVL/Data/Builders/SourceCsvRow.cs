using System.Globalization;

namespace CxrVL.Data.Builders;

/// <summary>One data row of a <see cref="SourceCsv"/>, with its file and line for error messages.</summary>
public sealed class SourceCsvRow(string file, long line, string[] fields)
{
    public string File { get; } = file;

    public long Line { get; } = line;

    public int Count => fields.Length;

    public string this[int index] => index < fields.Length ? fields[index].Trim() : "";

    /// <summary>The field, or null when the column is absent or the field blank.</summary>
    public string? Optional(int? index) => index is { } i && this[i] is { Length: > 0 } value ? value : null;

    public bool TryInt(int index, out int value) =>
        int.TryParse(this[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    public bool TryDouble(int index, out double value) =>
        double.TryParse(this[index], NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>A CheXpert-style label cell: 1 / 0 / -1 (as 1.0, 0.0, -1.0), null when blank; false when unparsable.</summary>
    public bool TryLabel(int index, out int? value)
    {
        value = null;
        var text = this[index];
        if (text.Length == 0)
            return true;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number is not (1 or 0 or -1))
            return false;
        value = (int)number;
        return true;
    }
}
