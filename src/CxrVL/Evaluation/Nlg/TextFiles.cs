using System.Text.Json;
using CxrVL.Files;

namespace CxrVL.Evaluation.Nlg;

/// <summary>
/// Reads the JSON files <c>cxrvl eval</c> takes: an object mapping each id to a text or to a list of texts, and
/// pairs predictions with references by id.
/// </summary>
public static class TextFiles
{
    /// <summary>Reads <c>{"id": "text", "id2": ["text", "text"], ...}</c>; ids keep the file's order.</summary>
    public static IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> ReadMap(string path)
    {
        using var document = ParseOrThrow(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new CxrVLException($"'{path}' must hold a JSON object mapping ids to texts, not a {document.RootElement.ValueKind}.");
        var result = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                throw new CxrVLException($"'{path}': id '{property.Name}' appears twice.");
            result.Add(new(property.Name, ReadTexts(path, property)));
        }
        return result;
    }

    /// <summary>
    /// Pairs each prediction (one text per id) with its references. Both files must hold the same ids, as the
    /// coco-caption scorers require; a missing id is an error that names it.
    /// </summary>
    public static IReadOnlyList<NlgSample> Pair(string referencesPath, string predictionsPath)
    {
        var references = ReadMap(referencesPath);
        var predictions = ReadMap(predictionsPath).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var samples = new List<NlgSample>(references.Count);
        foreach (var (id, texts) in references)
        {
            if (!predictions.Remove(id, out var prediction))
                throw new CxrVLException($"id '{id}' is in '{referencesPath}' but not in '{predictionsPath}'; both files must hold the same ids.");
            if (prediction.Count != 1)
                throw new CxrVLException($"'{predictionsPath}': id '{id}' maps to {prediction.Count} texts; a prediction is exactly one text.");
            samples.Add(new NlgSample(id, prediction[0], texts));
        }
        if (predictions.Count > 0)
            throw new CxrVLException($"id '{predictions.Keys.First()}' is in '{predictionsPath}' but not in '{referencesPath}' ({predictions.Count} such ids); both files must hold the same ids.");
        return samples;
    }

    /// <summary>All texts of a file: a JSON object of texts or lists of texts, or a JSON array of texts.</summary>
    public static IReadOnlyList<string> ReadCorpus(string path)
    {
        using var document = ParseOrThrow(path);
        if (document.RootElement.ValueKind == JsonValueKind.Array)
        {
            return document.RootElement.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String
                ? e.GetString()!
                : throw new CxrVLException($"'{path}': item {i} is a {e.ValueKind}; the corpus must be texts.")).ToList();
        }
        return ReadMap(path).SelectMany(p => p.Value).ToList();
    }

    private static JsonDocument ParseOrThrow(string path) => InputFile.ReadJson(path);

    private static IReadOnlyList<string> ReadTexts(string path, JsonProperty property)
    {
        var value = property.Value;
        if (value.ValueKind == JsonValueKind.String)
            return [value.GetString()!];
        if (value.ValueKind == JsonValueKind.Array)
        {
            var texts = new List<string>();
            foreach (var item in value.EnumerateArray())
            {
                texts.Add(item.ValueKind == JsonValueKind.String
                    ? item.GetString()!
                    : throw new CxrVLException($"'{path}': id '{property.Name}' holds a {item.ValueKind} in its list; expected texts."));
            }
            return texts;
        }
        throw new CxrVLException($"'{path}': id '{property.Name}' maps to a {value.ValueKind}; expected a text or a list of texts.");
    }
}
