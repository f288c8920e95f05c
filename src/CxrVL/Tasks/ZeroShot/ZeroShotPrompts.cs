using System.Text.Json;
using CxrVL.Data.Splits;
using CxrVL.Files;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Tasks.ZeroShot;

/// <summary>
/// The prompts of each zero-shot class: those written in the recipe, plus the combinations of its word lists
/// (<c>compose:</c>, or <c>vocabulary:</c> from GLoRIA's CheXpert file), optionally sampled per class with the seed; a
/// class with none gets the recipe's <c>prompt_template</c> filled with its name (PRIOR's "&lt;Class&gt; is observed").
/// </summary>
public static class ZeroShotPrompts
{
    private static readonly string[] VocabularyParts = ["severity", "subtype", "location"];

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Resolve(ZeroShotConfig config, int seed = 0)
    {
        JsonElement? vocabulary = null;
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, definition) in config.Classes)
        {
            var parts = definition.Compose.Select(p => (IReadOnlyList<string>)p).ToList();
            if (definition.Vocabulary is { } key)
            {
                vocabulary ??= ReadVocabulary(config.PromptVocabulary);
                parts.AddRange(VocabularyLists(vocabulary.Value, key, config.PromptVocabulary));
            }
            var composed = Combinations(parts);
            if (config.PromptsPerClass > 0 && composed.Count > config.PromptsPerClass)
            {
                composed = composed.OrderBy(prompt => StableHash.Of(seed, "zeroshot-prompt", name + "\n" + prompt))
                    .Take(config.PromptsPerClass).ToList();
            }
            var prompts = definition.Prompts.Concat(composed).Distinct(StringComparer.Ordinal).ToList();
            if (prompts.Count == 0 && config.PromptTemplate is { } template)
                prompts.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, name));
            if (prompts.Count == 0)
                throw new CxrVLException($"zero-shot class '{name}' has no prompts: give prompts:, compose:, vocabulary: or the recipe's prompt_template.");
            result[name] = prompts;
        }
        return result;
    }

    /// <summary>Every sentence made of one entry per list, in list order, empty entries left out.</summary>
    public static List<string> Combinations(IReadOnlyList<IReadOnlyList<string>> lists)
    {
        if (lists.Count == 0)
            return [];
        IEnumerable<IEnumerable<string>> sentences = [[]];
        foreach (var list in lists)
        {
            var options = list.Count == 0 ? [""] : list;
            sentences = sentences.SelectMany(words => options.Select(option => words.Append(option))).ToList();
        }
        return sentences.Select(words => string.Join(' ', words.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w.Trim())))
            .Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    private static JsonElement ReadVocabulary(string path)
    {
        var resolved = Pretraining.Pretraining.ResolveDataPath(path);
        if (!File.Exists(resolved))
            throw new CxrVLException($"prompt_vocabulary '{path}' does not exist (looked at '{resolved}').");
        using var document = InputFile.ReadJson(resolved, "prompt_vocabulary");
        return document.RootElement.Clone();
    }

    private static IEnumerable<IReadOnlyList<string>> VocabularyLists(JsonElement vocabulary, string key, string path)
    {
        var classes = vocabulary.TryGetProperty("CHEXPERT_CLASS_PROMPTS", out var nested) ? nested : vocabulary;
        if (!classes.TryGetProperty(key, out var entry))
            throw new CxrVLException($"prompt_vocabulary '{path}' has no class '{key}' (it has: {string.Join(", ", classes.EnumerateObject().Select(p => p.Name))}).");
        foreach (var part in VocabularyParts)
        {
            if (entry.TryGetProperty(part, out var words))
                yield return words.EnumerateArray().Select(w => w.GetString() ?? "").ToList();
        }
    }
}
