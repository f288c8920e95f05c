using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Text.Tokenization;

namespace CxrVL.Text;

/// <summary>
/// A WordPiece tokenizer with Hugging Face's pipeline: added tokens split out first, then normaliser,
/// pre-tokeniser, WordPiece, truncation, post-processor ([CLS] ... [SEP]) and padding. Ids, type ids, attention
/// mask, word ids and offsets equal those of Hugging Face <c>tokenizers</c> (tests compare them on every IU
/// sentence). Load one with <see cref="Tokenizers.Load"/>.
/// </summary>
public sealed class WordPieceTokenizer : ITextTokenizer
{
    private readonly JsonObject _definition;
    private readonly WordPieceModel _model;
    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly PostProcessor _postProcessor;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly HashSet<int> _specialIds;
    private readonly EncodeOptions _defaults;

    internal WordPieceTokenizer(
        JsonObject definition, WordPieceModel model, INormalizer? normalizer, IPreTokenizer? preTokenizer,
        PostProcessor postProcessor, IReadOnlyList<AddedToken> addedTokens, EncodeOptions defaults, int padId,
        int padTypeId, string padToken)
    {
        _definition = definition;
        _model = model;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _postProcessor = postProcessor;
        _rawMatcher = new AddedTokenMatcher(addedTokens.Where(t => !t.Normalized));
        _normalizedMatcher = new AddedTokenMatcher(addedTokens.Where(t => t.Normalized));
        _addedById = addedTokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
        _specialIds = addedTokens.Where(t => t.Special).Select(t => t.Id)
            .Concat(postProcessor.Template.SelectMany(p => p.Ids ?? []))
            .ToHashSet();
        _defaults = defaults;
        PadId = padId;
        PadTypeId = padTypeId;
        PadToken = padToken;
        VocabularySize = Math.Max(model.Tokens.Count, addedTokens.Count == 0 ? 0 : addedTokens.Max(t => t.Id) + 1);
    }

    public int VocabularySize { get; }

    public int PadId { get; }

    public int PadTypeId { get; }

    public string PadToken { get; }

    /// <summary>The WordPiece vocabulary in id order.</summary>
    public IReadOnlyList<string> Vocabulary => _model.Tokens;

    public string UnknownToken => _model.UnknownToken;

    /// <summary>The prefix of continuation pieces (<c>##</c>), which <see cref="WholeWords"/> groups on.</summary>
    public string ContinuingSubwordPrefix => _model.Prefix;

    /// <summary>How many special tokens the post-processor adds around one sequence (2 for BERT, 0 for MRM).</summary>
    public int AddedSpecialTokens => _postProcessor.AddedTokens;

    public int? TokenToId(string token) =>
        _model.TokenToId(token) ?? _addedById.Values.FirstOrDefault(t => t.Content == token)?.Id;

    public string IdToToken(int id) =>
        id >= 0 && id < _model.Tokens.Count ? _model.Tokens[id]
        : _addedById.TryGetValue(id, out var added) ? added.Content
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"no token has id {id} (vocabulary size {VocabularySize}).");

    public bool IsSpecial(int id) => _specialIds.Contains(id);

    public TokenizedText Encode(string text, EncodeOptions? options = null) =>
        Build(text, [], options ?? _defaults);

    public TokenizedText EncodeSentences(IReadOnlyList<string> sentences, EncodeOptions? options = null)
    {
        var joined = new StringBuilder();
        var starts = new int[sentences.Count];
        for (var i = 0; i < sentences.Count; i++)
        {
            if (i > 0)
                joined.Append(' ');
            starts[i] = joined.Length;
            joined.Append(sentences[i]);
        }
        return Build(joined.ToString(), starts, options ?? _defaults);
    }

    public string Decode(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            if (IsSpecial(id) || id == PadId)
                continue;
            var token = IdToToken(id);
            if (token.StartsWith(_model.Prefix, StringComparison.Ordinal) && text.Length > 0)
                text.Append(token.AsSpan(_model.Prefix.Length));
            else
                text.Append(text.Length > 0 ? " " : "").Append(token);
        }
        return text.ToString();
    }

    /// <summary>The normalised, pre-tokenised words of a text (added tokens left out): what the trainer counts.</summary>
    internal IEnumerable<string> Words(string text)
    {
        foreach (var (part, start, end, token) in Split(text))
        {
            if (token is not null)
                continue;
            var word = new StringBuilder(end - start);
            for (var k = start; k < end; k++)
                word.Append(char.ConvertFromUtf32(part[k]));
            yield return word.ToString();
        }
    }

    /// <summary>
    /// Added tokens matched on the raw text, the rest normalised, normalised added tokens matched, the rest
    /// pre-tokenised: the pieces in order, each an added token or a word (a code-point range of its part).
    /// </summary>
    private List<(NormalizedText Part, int Start, int End, AddedToken? Token)> Split(string text)
    {
        var pieces = new List<(NormalizedText Part, int Start, int End, AddedToken? Token)>();
        var raw = NormalizedText.From(text);
        var segments = new List<(int Start, int End, AddedToken? Token)>();
        _rawMatcher.Split(raw, 0, raw.Count, segments);
        var inner = new List<(int Start, int End, AddedToken? Token)>();
        var words = new List<(int Start, int End)>();
        foreach (var (start, end, token) in segments)
        {
            if (token is not null)
            {
                pieces.Add((raw, start, end, token));
                continue;
            }
            var part = start == 0 && end == raw.Count ? raw : raw.Slice(start, end);
            _normalizer?.Normalize(part);
            inner.Clear();
            _normalizedMatcher.Split(part, 0, part.Count, inner);
            foreach (var (s, e, t) in inner)
            {
                if (t is not null)
                {
                    pieces.Add((part, s, e, t));
                    continue;
                }
                words.Clear();
                PreTokenize(part, s, e, words);
                foreach (var (ws, we) in words)
                    pieces.Add((part, ws, we, null));
            }
        }
        return pieces;
    }

    /// <summary>The same pipeline (normaliser, pre-tokeniser, special tokens, post-processor) over another vocabulary.</summary>
    public WordPieceTokenizer WithVocabulary(IReadOnlyList<string> tokens)
    {
        var definition = (JsonObject)_definition.DeepClone();
        var vocabulary = new JsonObject();
        for (var id = 0; id < tokens.Count; id++)
            vocabulary[tokens[id]] = id;
        definition["model"]!["vocab"] = vocabulary;
        return TokenizerJson.Parse(definition, "new vocabulary");
    }

    /// <summary>Writes a Hugging Face <c>tokenizer.json</c> (path ending .json) or a BERT <c>vocab.txt</c> (anything else).</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            File.WriteAllText(path, _definition.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else
            File.WriteAllLines(path, _model.Tokens);
    }

    private void PreTokenize(NormalizedText text, int start, int end, List<(int Start, int End)> words)
    {
        if (end <= start)
            return;
        if (_preTokenizer is null)
            words.Add((start, end));
        else
            _preTokenizer.Split(text, [(start, end)], words);
    }

    private TokenizedText Build(string text, int[] sentenceStarts, EncodeOptions options)
    {
        var ids = new List<int>();
        var wordIds = new List<int>();
        var offsets = new List<TokenSpan>();
        var special = new List<int>();
        var word = 0;

        var pieces = new List<(int Id, int Start, int End)>();
        foreach (var (part, start, end, token) in Split(text))
        {
            if (token is not null)
            {
                AddToken(token.Id, new TokenSpan(part.StartOf(start), part.EndOf(end - 1)), word++, token.Special);
                continue;
            }
            pieces.Clear();
            _model.Tokenize(part, start, end, pieces);
            foreach (var (id, ps, pe) in pieces)
                AddToken(id, new TokenSpan(part.StartOf(ps), part.EndOf(pe - 1)), word, false);
            word++;
        }

        var template = options.AddSpecialTokens ? _postProcessor : PostProcessor.None;
        if (options.MaxLength is { } maxLength)
        {
            var room = maxLength - template.AddedTokens;
            if (room < 0)
                throw new CxrVLException($"max length {maxLength} is shorter than the {template.AddedTokens} special tokens the tokenizer adds; use at least {template.AddedTokens}.");
            if (ids.Count > room)
            {
                ids.RemoveRange(room, ids.Count - room);
                wordIds.RemoveRange(room, wordIds.Count - room);
                offsets.RemoveRange(room, offsets.Count - room);
                special.RemoveRange(room, special.Count - room);
            }
        }

        var length = Math.Max(ids.Count + template.AddedTokens, options.PadTo ?? 0);
        var result = new TokenizedText(
            new int[length], new string[length], new int[length], new int[length], new int[length],
            new int[length], new int[length], new TokenSpan[length]);
        var at = 0;
        foreach (var piece in template.Template)
        {
            if (piece.Ids is null)
            {
                for (var k = 0; k < ids.Count; k++, at++)
                {
                    Set(result, at, ids[k], piece.TypeId, 1, special[k], wordIds[k], offsets[k]);
                    result.SentenceIds[at] = SentenceOf(sentenceStarts, offsets[k].Start);
                }
                continue;
            }
            foreach (var id in piece.Ids)
            {
                Set(result, at, id, piece.TypeId, 1, 1, -1, default);
                result.SentenceIds[at++] = -1;
            }
        }
        for (; at < length; at++)
        {
            Set(result, at, PadId, PadTypeId, 0, 1, -1, default);
            result.Tokens[at] = PadToken;
            result.SentenceIds[at] = -1;
        }
        return result;

        void AddToken(int id, TokenSpan span, int wordId, bool isSpecial)
        {
            ids.Add(id);
            wordIds.Add(wordId);
            offsets.Add(span);
            special.Add(isSpecial ? 1 : 0);
        }
    }

    private void Set(TokenizedText result, int at, int id, int typeId, int attention, int special, int wordId, TokenSpan offset)
    {
        result.Ids[at] = id;
        result.Tokens[at] = id >= 0 && id < VocabularySize ? IdToToken(id) : "";
        result.TypeIds[at] = typeId;
        result.AttentionMask[at] = attention;
        result.SpecialMask[at] = special;
        result.WordIds[at] = wordId;
        result.Offsets[at] = offset;
    }

    private static int SentenceOf(int[] sentenceStarts, int offset)
    {
        if (sentenceStarts.Length == 0)
            return 0;
        // Starts strictly increase (sentences are joined with a space), so the last start at or before the token wins.
        var index = Array.BinarySearch(sentenceStarts, offset);
        return index >= 0 ? index : Math.Max(0, ~index - 1);
    }
}
