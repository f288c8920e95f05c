using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CxrVL.Data.Manifest;

/// <summary>
/// The manifest's JSON contract: snake_case keys, null values omitted, label and meta keys verbatim, non-ASCII text
/// kept readable. Source-generated, so reading a 400k-row manifest does no reflection per row.
/// </summary>
public static class ManifestJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectRequiredConstructorParameters = true,
    };

    private static readonly ManifestJsonContext Context = new(new JsonSerializerOptions(Options));

    public static JsonTypeInfo<ManifestRow> Row => Context.ManifestRow;

    /// <summary>
    /// A row whose report keeps its texts as JSON string tokens in the bytes being read (<see cref="ReportTokensConverter"/>);
    /// only for a reader that keeps those bytes (<see cref="ManifestReader.ReadAll"/>).
    /// </summary>
    internal static JsonTypeInfo<ManifestRow> RowKeepingReportTokens { get; } = (JsonTypeInfo<ManifestRow>)new JsonSerializerOptions(Options)
    {
        TypeInfoResolver = ManifestJsonContext.Default.WithAddedModifier(type =>
        {
            if (type.Type == typeof(ManifestRow))
                type.Properties.Single(p => p.Name == "report").CustomConverter = new ReportTokensConverter();
        }),
    }.GetTypeInfo(typeof(ManifestRow));

    public static JsonTypeInfo<ManifestInfo> Info => Context.ManifestInfo;

    /// <summary>One row as a single JSON line (no trailing newline).</summary>
    public static string Serialize(ManifestRow row) => JsonSerializer.Serialize(row, Row);

    public static ManifestRow Deserialize(string line) =>
        JsonSerializer.Deserialize(line, Row) ?? throw new JsonException("a manifest row is a JSON object, not null");
}

/// <summary>
/// Reads a report as the positions of its texts' JSON string tokens in the line being parsed, which the caller names
/// (<see cref="Bytes"/> and where the line starts in them) before each row and keeps as long as the rows.
/// </summary>
internal sealed class ReportTokensConverter : JsonConverter<ManifestReport>
{
    [ThreadStatic]
    public static byte[]? Bytes;

    [ThreadStatic]
    public static int LineStart;

    public override ManifestReport Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"a report is a JSON object of texts, not {reader.TokenType}");
        var tokens = new ManifestReport.TokenSpans();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader);
            reader.Read();
            if (field < 0)
                reader.Skip();
            else if (reader.TokenType == JsonTokenType.String)
                tokens[field] = new ManifestReport.TokenSpan(LineStart + (int)reader.TokenStartIndex, reader.ValueSpan.Length + 2);
            else if (reader.TokenType == JsonTokenType.Null)
                tokens[field] = default;
            else
                throw new JsonException($"report.{ManifestReport.SectionNames[field]} is a string, not {reader.TokenType}");
        }
        return ManifestReport.FromTokens(Bytes!, tokens);
    }

    private static int Field(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < ManifestReport.SectionNames.Count; i++)
        {
            if (reader.ValueTextEquals(ManifestReport.SectionNames[i]))
                return i;
        }
        return -1;
    }

    public override void Write(Utf8JsonWriter writer, ManifestReport value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, ManifestJsonContext.Default.ManifestReport);
}

[JsonSerializable(typeof(ManifestRow))]
[JsonSerializable(typeof(ManifestInfo))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
