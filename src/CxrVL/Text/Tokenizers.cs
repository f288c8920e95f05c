using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Files;
using CxrVL.Text.Tokenization;

namespace CxrVL.Text;

/// <summary>Loads WordPiece tokenizers from the files Hugging Face ships them in.</summary>
public static class Tokenizers
{
    private static readonly string[] BertSpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>
    /// Loads a folder (its <c>tokenizer.json</c>, else its <c>vocab.txt</c> with <c>tokenizer_config.json</c>), a
    /// <c>tokenizer.json</c>, or a <c>vocab.txt</c>. A vocab.txt becomes what transformers' <c>BertTokenizerFast</c>
    /// builds from it: BERT normaliser, BERT pre-tokeniser, [CLS] $A [SEP], the five BERT special tokens. Lower-casing
    /// comes from <paramref name="lowercase"/>, else <c>do_lower_case</c> in tokenizer_config.json, else the
    /// vocabulary: a vocabulary with upper-case letters is cased (Bio_ClinicalBERT), one without is uncased.
    /// </summary>
    public static WordPieceTokenizer Load(string path, bool? lowercase = null)
    {
        if (Directory.Exists(path))
        {
            var json = Path.Combine(path, "tokenizer.json");
            if (File.Exists(json))
                return FromJson(json, lowercase);
            var vocab = Path.Combine(path, "vocab.txt");
            if (File.Exists(vocab))
                return FromVocab(vocab, lowercase);
            throw new CxrVLException($"'{path}' has neither tokenizer.json nor vocab.txt; point --tokenizer at a Hugging Face BERT folder or one of those files.");
        }
        if (!File.Exists(path))
            throw new CxrVLException($"tokenizer '{path}' does not exist; pass a folder with vocab.txt or tokenizer.json, or one of those files.");
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? FromJson(path, lowercase) : FromVocab(path, lowercase);
    }

    private static WordPieceTokenizer FromJson(string path, bool? lowercase)
    {
        if (lowercase is not null)
            throw new CxrVLException($"{path}: a tokenizer.json defines its own normaliser; lower-casing can only be chosen for a vocab.txt.");
        var root = InputFile.ReadJsonNode(path, "tokenizer");
        return root is JsonObject o ? TokenizerJson.Parse(o, path) : throw new CxrVLException($"{path}: expected a JSON object (a Hugging Face tokenizer.json).");
    }

    private static WordPieceTokenizer FromVocab(string path, bool? lowercase)
    {
        // As Hugging Face reads vocab.txt: one token per line, trailing whitespace trimmed, id = line number.
        var tokens = InputFile.ReadLines(path, "vocabulary").Select(l => l.Text.TrimEnd()).ToList();
        var config = ReadConfig(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "tokenizer_config.json"));
        var lower = lowercase
            ?? (config?["do_lower_case"] is JsonValue d ? d.GetValue<bool>() : !tokens.Any(t => t.Length == 1 && char.IsAsciiLetterUpper(t[0])));
        return FromVocabulary(tokens, lower, path, config);
    }

    /// <summary>
    /// What transformers' <c>BertTokenizerFast</c> builds from a vocab.txt whose lines are <paramref name="tokens"/>
    /// (id = index), lower-casing and stripping accents when <paramref name="lowercase"/>; <paramref name="source"/>
    /// names the vocabulary in errors.
    /// </summary>
    public static WordPieceTokenizer FromVocabulary(IReadOnlyList<string> tokens, bool lowercase, string source) =>
        FromVocabulary(tokens, lowercase, source, config: null);

    private static WordPieceTokenizer FromVocabulary(IReadOnlyList<string> tokens, bool lower, string path, JsonNode? config)
    {
        if (tokens.Count == 0)
            throw new CxrVLException($"{path}: the vocabulary is empty.");
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var vocabulary = new JsonObject();
        for (var id = 0; id < tokens.Count; id++)
        {
            if (!ids.TryAdd(tokens[id], id))
                throw new CxrVLException($"{path}: line {id + 1} repeats the token '{tokens[id]}' of line {ids[tokens[id]] + 1}; remove the duplicate.");
            vocabulary[tokens[id]] = id;
        }
        foreach (var required in new[] { "[UNK]", "[CLS]", "[SEP]" })
        {
            if (!ids.ContainsKey(required))
                throw new CxrVLException($"{path}: a BERT vocab.txt must contain {required}; this one does not.");
        }
        var added = new JsonArray();
        foreach (var token in BertSpecialTokens.Where(ids.ContainsKey))
        {
            added.Add(new JsonObject
            {
                ["id"] = ids[token], ["content"] = token, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer",
                ["clean_text"] = true,
                ["handle_chinese_chars"] = config?["tokenize_chinese_chars"] is JsonValue c ? c.GetValue<bool>() : true,
                ["strip_accents"] = config?["strip_accents"] is JsonValue s ? s.GetValue<bool>() : lower,
                ["lowercase"] = lower,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "BertProcessing",
                ["sep"] = new JsonArray("[SEP]", ids["[SEP]"]),
                ["cls"] = new JsonArray("[CLS]", ids["[CLS]"]),
            },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = "[UNK]",
                ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocabulary,
            },
        };
        return TokenizerJson.Parse(root, path);
    }

    private static JsonNode? ReadConfig(string path)
    {
        return File.Exists(path) ? InputFile.ReadJsonNode(path, "tokenizer config") : null;
    }
}
