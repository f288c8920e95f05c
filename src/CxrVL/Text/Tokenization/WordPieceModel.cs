using System.Text;

namespace CxrVL.Text.Tokenization;

/// <summary>
/// Greedy longest-match-first WordPiece over one pre-tokenised word: pieces after the first carry the continuation
/// prefix (<c>##</c>); a word with a piece not in the vocabulary, or longer than <c>max_input_chars_per_word</c>
/// code points, becomes one unknown token.
/// </summary>
internal sealed class WordPieceModel
{
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _longestToken;

    public WordPieceModel(IReadOnlyList<string> tokens, string unknownToken, string continuingSubwordPrefix, int maxInputCharsPerWord, string source)
    {
        Tokens = tokens;
        _vocabulary = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Count; id++)
        {
            if (!_vocabulary.TryAdd(tokens[id], id))
                throw new CxrVLException($"{source}: the vocabulary lists '{tokens[id]}' twice (ids {_vocabulary[tokens[id]]} and {id}); remove the duplicate.");
        }
        _lookup = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _longestToken = tokens.Count == 0 ? 0 : tokens.Max(t => t.Length);
        if (!_vocabulary.TryGetValue(unknownToken, out var unknownId))
            throw new CxrVLException($"{source}: the unknown token '{unknownToken}' is not in the vocabulary; add it or set the right unk_token.");
        UnknownToken = unknownToken;
        UnknownId = unknownId;
        Prefix = continuingSubwordPrefix;
        MaxInputCharsPerWord = maxInputCharsPerWord;
    }

    public IReadOnlyList<string> Tokens { get; }

    public string UnknownToken { get; }

    public int UnknownId { get; }

    public string Prefix { get; }

    public int MaxInputCharsPerWord { get; }

    public int? TokenToId(string token) => _vocabulary.TryGetValue(token, out var id) ? id : null;

    /// <summary>Appends (id, first code point, end code point) for the word <c>text[start..end)</c>.</summary>
    public void Tokenize(NormalizedText text, int start, int end, List<(int Id, int Start, int End)> output)
    {
        var length = end - start;
        if (length > MaxInputCharsPerWord)
        {
            output.Add((UnknownId, start, end));
            return;
        }
        // The word in UTF-16, and a scratch span holding prefix + the rest of the word for continuation pieces.
        Span<char> word = length <= 128 ? stackalloc char[2 * length] : new char[2 * length];
        Span<char> scratch = length <= 128 ? stackalloc char[Prefix.Length + 2 * length] : new char[Prefix.Length + 2 * length];
        Span<int> charIndex = length <= 128 ? stackalloc int[length + 1] : new int[length + 1];
        Prefix.AsSpan().CopyTo(scratch);
        var n = 0;
        for (var i = 0; i < length; i++)
        {
            charIndex[i] = n;
            n += new Rune(text[start + i]).EncodeToUtf16(word[n..]);
        }
        charIndex[length] = n;

        var before = output.Count;
        var pieceStart = 0;
        while (pieceStart < length)
        {
            if (pieceStart > 0)
                word[charIndex[pieceStart]..n].CopyTo(scratch[Prefix.Length..]);
            var found = -1;
            var pieceEnd = length;
            for (; pieceEnd > pieceStart; pieceEnd--)
            {
                var chars = charIndex[pieceEnd] - charIndex[pieceStart];
                ReadOnlySpan<char> candidate = pieceStart == 0 ? word[..chars] : scratch[..(Prefix.Length + chars)];
                if (candidate.Length <= _longestToken && _lookup.TryGetValue(candidate, out var id))
                {
                    found = id;
                    break;
                }
            }
            if (found < 0)
            {
                output.RemoveRange(before, output.Count - before);
                output.Add((UnknownId, start, end));
                return;
            }
            output.Add((found, start + pieceStart, start + pieceEnd));
            pieceStart = pieceEnd;
        }
    }
}
