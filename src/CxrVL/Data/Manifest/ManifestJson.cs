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
    /// A row whose report's full text is not decoded: a present <c>full_text</c> reads as <see cref="LeftInFile"/>, for
    /// the reader to point at the file instead (<see cref="ManifestReport.WithFullTextIn"/>).
    /// </summary>
    internal static JsonTypeInfo<ManifestRow> RowLeavingFullText { get; } = (JsonTypeInfo<ManifestRow>)new JsonSerializerOptions(Options)
    {
        TypeInfoResolver = ManifestJsonContext.Default.WithAddedModifier(type =>
        {
            if (type.Type == typeof(ManifestReport))
                type.Properties.Single(p => p.Name == "full_text").CustomConverter = new LeftInFileConverter();
        }),
    }.GetTypeInfo(typeof(ManifestRow));

    /// <summary>What <see cref="RowLeavingFullText"/> reads for a present full text (compared by reference).</summary>
    internal static readonly string LeftInFile = new('\0', 1);

    public static JsonTypeInfo<ManifestInfo> Info => Context.ManifestInfo;

    /// <summary>One row as a single JSON line (no trailing newline).</summary>
    public static string Serialize(ManifestRow row) => JsonSerializer.Serialize(row, Row);

    public static ManifestRow Deserialize(string line) =>
        JsonSerializer.Deserialize(line, Row) ?? throw new JsonException("a manifest row is a JSON object, not null");
}

/// <summary>A string value left undecoded (<see cref="ManifestJson.RowLeavingFullText"/>).</summary>
internal sealed class LeftInFileConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? ManifestJson.LeftInFile : reader.GetString()!;

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

[JsonSerializable(typeof(ManifestRow))]
[JsonSerializable(typeof(ManifestInfo))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
