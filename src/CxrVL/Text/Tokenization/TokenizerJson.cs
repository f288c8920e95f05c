using System.Text.Json.Nodes;

namespace CxrVL.Text.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> with a WordPiece model into a <see cref="WordPieceTokenizer"/>. The
/// components the CXR tokenizers use are supported; any other component is an error naming it, never ignored.
/// </summary>
internal static class TokenizerJson
{
    public static WordPieceTokenizer Parse(JsonObject root, string source)
    {
        var model = Object(root, "model", source) ?? throw new CxrVLException($"{source}: no 'model' section; is this a Hugging Face tokenizer.json?");
        var modelType = String(model, "type", source);
        if (modelType != "WordPiece")
            throw new CxrVLException($"{source}: model type '{modelType}' is not supported; CxrVL reads WordPiece tokenizers (BERT vocab.txt or tokenizer.json with \"type\": \"WordPiece\").");
        var wordPiece = new WordPieceModel(
            Vocabulary(model, source),
            String(model, "unk_token", source, "[UNK]"),
            String(model, "continuing_subword_prefix", source, "##"),
            Int(model, "max_input_chars_per_word", source, 100),
            source);

        var addedTokens = new List<AddedToken>();
        if (root["added_tokens"] is JsonArray added)
        {
            foreach (var node in added)
            {
                var t = node as JsonObject ?? throw new CxrVLException($"{source}: an entry of 'added_tokens' is not an object.");
                addedTokens.Add(new AddedToken(
                    String(t, "content", source), Int(t, "id", source, -1), Bool(t, "special", false), Bool(t, "normalized", true),
                    Bool(t, "lstrip", false), Bool(t, "rstrip", false), Bool(t, "single_word", false)));
            }
        }

        var normalizer = root["normalizer"] is JsonObject n ? Normalizer(n, source) : null;
        var preTokenizer = root["pre_tokenizer"] is JsonObject p ? PreTokenizer(p, source) : null;
        var postProcessor = root["post_processor"] is JsonObject pp ? PostProcessorOf(pp, source, wordPiece, addedTokens) : PostProcessor.None;

        int? maxLength = null, padTo = null;
        if (root["truncation"] is JsonObject truncation)
        {
            if (String(truncation, "direction", source, "Right") != "Right")
                throw new CxrVLException($"{source}: only right truncation is supported; set truncation.direction to \"Right\" or null the section.");
            maxLength = Int(truncation, "max_length", source, 512);
        }
        var padId = wordPiece.TokenToId("[PAD]") ?? 0;
        var padTypeId = 0;
        var padToken = "[PAD]";
        if (root["padding"] is JsonObject padding)
        {
            if (String(padding, "direction", source, "Right") != "Right")
                throw new CxrVLException($"{source}: only right padding is supported; set padding.direction to \"Right\" or null the section.");
            if (padding["pad_to_multiple_of"] is JsonValue)
                throw new CxrVLException($"{source}: padding.pad_to_multiple_of is not supported; set it to null and pad with EncodeOptions.PadTo.");
            if (padding["strategy"] is JsonObject strategy && strategy["Fixed"] is JsonValue fixedLength)
                padTo = fixedLength.GetValue<int>();
            padId = Int(padding, "pad_id", source, padId);
            padTypeId = Int(padding, "pad_type_id", source, 0);
            padToken = String(padding, "pad_token", source, padToken);
        }
        return new WordPieceTokenizer(root, wordPiece, normalizer, preTokenizer, postProcessor, addedTokens,
            new EncodeOptions(maxLength, padTo), padId, padTypeId, padToken);
    }

    private static string[] Vocabulary(JsonObject model, string source)
    {
        var vocab = Object(model, "vocab", source) ?? throw new CxrVLException($"{source}: the WordPiece model has no 'vocab'.");
        var tokens = new string?[vocab.Count];
        foreach (var (token, idNode) in vocab)
        {
            var id = idNode?.GetValue<int>() ?? -1;
            if (id < 0 || id >= tokens.Length || tokens[id] is not null)
                throw new CxrVLException($"{source}: vocabulary ids must be 0..{tokens.Length - 1}, each once; '{token}' has id {id}.");
            tokens[id] = token;
        }
        return tokens!;
    }

    private static INormalizer Normalizer(JsonObject node, string source)
    {
        var type = String(node, "type", source);
        return type switch
        {
            "BertNormalizer" => new BertNormalizer(
                Bool(node, "clean_text", true), Bool(node, "handle_chinese_chars", true),
                node["strip_accents"] is JsonValue strip ? strip.GetValue<bool>() : Bool(node, "lowercase", true),
                Bool(node, "lowercase", true)),
            "Lowercase" => new LowercaseNormalizer(),
            "NFD" => new DecomposeNormalizer(Compatibility: false),
            "NFKD" => new DecomposeNormalizer(Compatibility: true),
            "StripAccents" => new StripAccentsNormalizer(),
            "Strip" => new StripNormalizer(Bool(node, "strip_left", true), Bool(node, "strip_right", true)),
            "Sequence" => new SequenceNormalizer(Array(node, "normalizers", source).Select(n => Normalizer(n, source)).ToArray()),
            _ => throw new CxrVLException($"{source}: normalizer '{type}' is not supported (supported: BertNormalizer, Lowercase, NFD, NFKD, StripAccents, Strip, Sequence)."),
        };
    }

    private static IPreTokenizer PreTokenizer(JsonObject node, string source)
    {
        var type = String(node, "type", source);
        return type switch
        {
            "BertPreTokenizer" => new BertPreTokenizer(),
            "Whitespace" => new WhitespacePreTokenizer(),
            "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
            "Digits" => new DigitsPreTokenizer(Bool(node, "individual_digits", false)),
            "Punctuation" when String(node, "behavior", source, "Isolated") == "Isolated" => new PunctuationPreTokenizer(),
            "Sequence" => new SequencePreTokenizer(Array(node, "pretokenizers", source).Select(n => PreTokenizer(n, source)).ToArray()),
            _ => throw new CxrVLException($"{source}: pre-tokenizer '{type}' (with these options) is not supported (supported: BertPreTokenizer, Whitespace, WhitespaceSplit, Digits, Punctuation (Isolated), Sequence)."),
        };
    }

    private static PostProcessor PostProcessorOf(JsonObject node, string source, WordPieceModel model, List<AddedToken> added)
    {
        var type = String(node, "type", source);
        switch (type)
        {
            case "BertProcessing":
                return new PostProcessor([
                    new PostProcessor.Piece([Pair(node, "cls", source)], 0),
                    new PostProcessor.Piece(null, 0),
                    new PostProcessor.Piece([Pair(node, "sep", source)], 0),
                ]);
            case "TemplateProcessing":
                var specials = Object(node, "special_tokens", source);
                var pieces = new List<PostProcessor.Piece>();
                foreach (var item in Array(node, "single", source))
                {
                    if (item["Sequence"] is JsonObject sequence)
                    {
                        pieces.Add(new PostProcessor.Piece(null, Int(sequence, "type_id", source, 0)));
                        continue;
                    }
                    var special = item["SpecialToken"] as JsonObject ?? throw new CxrVLException($"{source}: a post_processor.single item is neither Sequence nor SpecialToken.");
                    var name = String(special, "id", source);
                    var ids = specials?[name]?["ids"] is JsonArray idArray
                        ? idArray.Select(i => i!.GetValue<int>()).ToArray()
                        : [model.TokenToId(name) ?? added.FirstOrDefault(a => a.Content == name)?.Id
                            ?? throw new CxrVLException($"{source}: the post-processor's special token '{name}' has no id.")];
                    pieces.Add(new PostProcessor.Piece(ids, Int(special, "type_id", source, 0)));
                }
                return new PostProcessor(pieces);
            default:
                throw new CxrVLException($"{source}: post-processor '{type}' is not supported (supported: BertProcessing, TemplateProcessing, none).");
        }
    }

    private static int Pair(JsonObject node, string key, string source) =>
        node[key] is JsonArray { Count: 2 } pair ? pair[1]!.GetValue<int>()
        : throw new CxrVLException($"{source}: post_processor.{key} must be [token, id].");

    private static JsonObject? Object(JsonObject node, string key, string source) => node[key] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw new CxrVLException($"{source}: '{key}' must be an object."),
    };

    private static IEnumerable<JsonObject> Array(JsonObject node, string key, string source) =>
        node[key] is JsonArray array
            ? array.Select(n => n as JsonObject ?? throw new CxrVLException($"{source}: the items of '{key}' must be objects."))
            : throw new CxrVLException($"{source}: '{key}' must be a list.");

    private static string String(JsonObject node, string key, string source, string? fallback = null) => node[key] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        null when fallback is not null => fallback,
        _ => throw new CxrVLException($"{source}: '{key}' must be a string."),
    };

    private static int Int(JsonObject node, string key, string source, int fallback) => node[key] switch
    {
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        null => fallback,
        _ => throw new CxrVLException($"{source}: '{key}' must be an integer."),
    };

    private static bool Bool(JsonObject node, string key, bool fallback) =>
        node[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;
}
