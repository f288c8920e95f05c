using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CxrVL.Data.Manifest;

/// <summary>
/// One shared string for each value a manifest repeats on most of its rows (dataset, split, view, label names): a
/// 227,835-row MIMIC-CXR manifest read into memory otherwise holds about two million copies of a dozen words, which
/// the garbage collector walks and copies while the rows load. The table stops growing at
/// <see cref="MaxValues"/> distinct values, so a column that is not repetitive costs only the lookup.
/// </summary>
internal static class RepeatedValues
{
    private const int MaxValues = 4096;
    private const int MaxLength = 64;

    private static readonly ConcurrentDictionary<string, string> Values = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> BySpan =
        Values.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The string at the reader's current string or property-name token.</summary>
    public static string Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || reader.HasValueSequence ||
            reader.ValueIsEscaped || reader.ValueSpan.Length > MaxLength)
            return reader.GetString()!;
        Span<char> chars = stackalloc char[MaxLength];
        // Invalid UTF-8 is left to GetString, which reports it as the serializer always has.
        if (Utf8.ToUtf16(reader.ValueSpan, chars, out _, out var count, replaceInvalidSequences: false) != OperationStatus.Done)
            return reader.GetString()!;
        var text = chars[..count];
        if (BySpan.TryGetValue(text, out var shared))
            return shared;
        var value = text.ToString();
        return Values.Count < MaxValues ? Values.GetOrAdd(value, value) : value;
    }
}

/// <summary>A string property whose values repeat across rows, read through <see cref="RepeatedValues"/>.</summary>
internal sealed class RepeatedStringConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RepeatedValues.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>Labels (name to 1 / 0 / -1) with the names read through <see cref="RepeatedValues"/>; written as before.</summary>
internal sealed class LabelsConverter : JsonConverter<IReadOnlyDictionary<string, int>>
{
    public override IReadOnlyDictionary<string, int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"labels are a JSON object of name to 1, 0 or -1, not {reader.TokenType}");
        var labels = new Dictionary<string, int>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = RepeatedValues.Read(ref reader);
            reader.Read();
            labels[name] = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value)
                ? value
                : throw new JsonException($"label '{name}' is not an integer");
        }
        return labels;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, int> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, label) in value)
            writer.WriteNumber(name, label);
        writer.WriteEndObject();
    }
}
