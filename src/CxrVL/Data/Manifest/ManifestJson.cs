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
    private static readonly ManifestJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectRequiredConstructorParameters = true,
    });

    public static JsonTypeInfo<ManifestRow> Row => Context.ManifestRow;

    public static JsonTypeInfo<ManifestInfo> Info => Context.ManifestInfo;

    /// <summary>One row as a single JSON line (no trailing newline).</summary>
    public static string Serialize(ManifestRow row) => JsonSerializer.Serialize(row, Row);

    public static ManifestRow Deserialize(string line) =>
        JsonSerializer.Deserialize(line, Row) ?? throw new JsonException("a manifest row is a JSON object, not null");
}

[JsonSerializable(typeof(ManifestRow))]
[JsonSerializable(typeof(ManifestInfo))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
