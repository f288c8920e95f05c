using System.Text.Json;
using CxrVL.Files;

namespace CxrVL.Text;

/// <summary>
/// R2Gen's (and XProNet's) word vocabulary: the whitespace words of the cleaned training reports whose count
/// reaches a threshold (3 for IU, 10 for MIMIC), plus <c>&lt;unk&gt;</c>, sorted by code point, ids from 1. Id 0 is
/// begin, end and padding at once: a report encodes as 0, words..., 0; decoding stops at the first 0.
/// </summary>
public sealed class WordVocabulary : ITextTokenizer
{
    public const string UnknownToken = "<unk>";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    public WordVocabulary(IEnumerable<string> tokens)
    {
        _tokens = tokens.ToArray();
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _tokens.Length; i++)
        {
            if (!_ids.TryAdd(_tokens[i], i + 1))
                throw new CxrVLException($"the word vocabulary lists '{_tokens[i]}' twice.");
        }
        if (!_ids.ContainsKey(UnknownToken))
            throw new CxrVLException($"the word vocabulary has no '{UnknownToken}'; build it with WordVocabulary.Build.");
    }

    /// <summary>Counts the words of already cleaned reports and keeps those seen at least <paramref name="threshold"/> times.</summary>
    public static WordVocabulary Build(IEnumerable<string> cleanedReports, int threshold)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var report in cleanedReports)
        {
            foreach (var word in report.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                counts[word] = counts.GetValueOrDefault(word) + 1;
        }
        var kept = counts.Where(kv => kv.Value >= threshold).Select(kv => kv.Key).Append(UnknownToken).Distinct().ToList();
        kept.Sort(StringComparer.Ordinal);
        return new WordVocabulary(kept);
    }

    /// <summary>Words in id order (id = index + 1).</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    public int VocabularySize => _tokens.Length + 1;

    public int PadId => 0;

    public int UnknownId => _ids[UnknownToken];

    public int IdOf(string word) => _ids.TryGetValue(word, out var id) ? id : UnknownId;

    public string WordOf(int id) => id >= 1 && id <= _tokens.Length ? _tokens[id - 1]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"word ids run from 1 to {_tokens.Length}.");

    /// <summary>Encodes an already cleaned report: 0, word ids, 0; truncated to MaxLength (the final 0 may go, as in R2Gen), padded with 0.</summary>
    public TokenizedText Encode(string text, EncodeOptions? options = null) => Build(text.Split(' ', StringSplitOptions.RemoveEmptyEntries), null, options);

    /// <summary>Encodes cleaned sentences joined as "a . b ."; each word, and its closing ".", belongs to its sentence.</summary>
    public TokenizedText EncodeSentences(IReadOnlyList<string> sentences, EncodeOptions? options = null)
    {
        var words = new List<string>();
        var sentenceOf = new List<int>();
        for (var s = 0; s < sentences.Count; s++)
        {
            foreach (var word in sentences[s].Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("."))
            {
                words.Add(word);
                sentenceOf.Add(s);
            }
        }
        return Build(words, sentenceOf, options);
    }

    public string Decode(IEnumerable<int> ids)
    {
        var words = new List<string>();
        foreach (var id in ids.SkipWhile((id, i) => i == 0 && id == 0))
        {
            if (id <= 0)
                break;
            words.Add(WordOf(id));
        }
        return string.Join(' ', words);
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(_tokens));

    public static WordVocabulary Load(string path)
    {
        try
        {
            return new WordVocabulary(InputFile.ReadJson<string[]>(path, "word vocabulary"));
        }
        catch (CxrVLException e) when (e.InnerException is JsonException)
        {
            throw new CxrVLException($"{e.Message} A word vocabulary is a JSON list of words.", e);
        }
    }

    private TokenizedText Build(IReadOnlyList<string> words, IReadOnlyList<int>? sentenceOf, EncodeOptions? options)
    {
        var content = words.Count + 2;
        var length = options?.MaxLength is { } max ? Math.Min(content, max) : content;
        length = Math.Max(length, options?.PadTo ?? 0);
        var result = new TokenizedText(new int[length], new string[length], new int[length], new int[length], new int[length],
            new int[length], new int[length], new TokenSpan[length]);
        for (var i = 0; i < length; i++)
        {
            var w = i - 1;
            var isWord = w >= 0 && w < words.Count;
            var inside = i < Math.Min(content, options?.MaxLength ?? content);
            result.Ids[i] = isWord && inside ? IdOf(words[w]) : 0;
            result.Tokens[i] = isWord && inside ? WordOf(result.Ids[i]) : "";
            result.AttentionMask[i] = inside ? 1 : 0;
            result.SpecialMask[i] = isWord && inside ? 0 : 1;
            result.WordIds[i] = isWord && inside ? w : -1;
            result.SentenceIds[i] = isWord && inside ? sentenceOf?[w] ?? 0 : -1;
        }
        return result;
    }
}
