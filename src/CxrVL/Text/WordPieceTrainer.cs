using System.Text.Json.Nodes;
using CxrVL.Text.Tokenization;

namespace CxrVL.Text;

/// <summary>
/// Trains a WordPiece vocabulary the way Hugging Face's <c>WordPieceTrainer</c> does: count the pre-tokenised words,
/// start from the special tokens and every character (continuation characters with <c>##</c>), then repeatedly merge
/// the most frequent adjacent pair of pieces (ties: the pair whose pieces come first in the vocabulary) until the
/// vocabulary is full or no pair reaches <c>MinFrequency</c>. The result is a tokenizer with the template's pipeline;
/// <c>Save("tokenizer.json")</c> writes a file Hugging Face and <see cref="Tokenizers.Load"/> read.
/// </summary>
public static class WordPieceTrainer
{
    private const string MrmTemplate = """
        {"version":"1.0","truncation":null,"padding":null,"added_tokens":[],
         "normalizer":{"type":"Sequence","normalizers":[{"type":"Lowercase"},{"type":"NFKD"},{"type":"StripAccents"}]},
         "pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Whitespace"},{"type":"Digits","individual_digits":false}]},
         "post_processor":null,"decoder":null,
         "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{"[UNK]":0}}}
        """;

    public static WordPieceTokenizer Train(IEnumerable<string> texts, WordPieceTrainerOptions? options = null)
    {
        options ??= new WordPieceTrainerOptions();
        var template = options.Template ?? TemplateWithSpecials(options.SpecialTokens);
        var prefix = options.ContinuingSubwordPrefix;

        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var word in template.Words(text))
                wordCounts[word] = wordCounts.GetValueOrDefault(word) + 1;
        }

        var vocabulary = new List<string>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Add(string token)
        {
            if (ids.TryGetValue(token, out var existing))
                return existing;
            ids[token] = vocabulary.Count;
            vocabulary.Add(token);
            return vocabulary.Count - 1;
        }
        foreach (var special in options.SpecialTokens)
            Add(special);

        var alphabet = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (word, count) in wordCounts)
        {
            foreach (var rune in word.EnumerateRunes())
                alphabet[rune.ToString()] = alphabet.GetValueOrDefault(rune.ToString()) + count;
        }
        var characters = alphabet.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(options.LimitAlphabet ?? int.MaxValue).Select(kv => kv.Key).OrderBy(c => c, StringComparer.Ordinal).ToList();
        foreach (var c in characters)
            Add(c);
        var kept = characters.ToHashSet(StringComparer.Ordinal);

        // Words as piece ids; characters outside the kept alphabet split a word into separately merged parts.
        var words = new List<(List<int> Pieces, long Count)>();
        foreach (var (word, count) in wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var pieces = new List<int>();
            var first = true;
            foreach (var rune in word.EnumerateRunes())
            {
                var c = rune.ToString();
                pieces.Add(kept.Contains(c) ? Add(first ? c : prefix + c) : -1);
                first = false;
            }
            words.Add((pieces, count));
        }

        var pairCounts = new Dictionary<(int, int), long>();
        var pairWords = new Dictionary<(int, int), HashSet<int>>();
        for (var w = 0; w < words.Count; w++)
        {
            var (pieces, count) = words[w];
            for (var k = 0; k + 1 < pieces.Count; k++)
            {
                if (pieces[k] < 0 || pieces[k + 1] < 0)
                    continue;
                var pair = (pieces[k], pieces[k + 1]);
                pairCounts[pair] = pairCounts.GetValueOrDefault(pair) + count;
                if (!pairWords.TryGetValue(pair, out var set))
                    pairWords[pair] = set = [];
                set.Add(w);
            }
        }
        var queue = new PriorityQueue<(int, int), (long, int, int)>();
        foreach (var (pair, count) in pairCounts)
            queue.Enqueue(pair, (-count, pair.Item1, pair.Item2));

        while (vocabulary.Count < options.VocabularySize && queue.TryDequeue(out var best, out var priority))
        {
            var current = pairCounts.GetValueOrDefault(best);
            if (current != -priority.Item1)
            {
                if (current > 0)
                    queue.Enqueue(best, (-current, best.Item1, best.Item2));
                continue;
            }
            if (current < options.MinFrequency)
                break;
            var right = vocabulary[best.Item2];
            var merged = vocabulary[best.Item1] + (right.StartsWith(prefix, StringComparison.Ordinal) ? right[prefix.Length..] : right);
            var newId = Add(merged);
            var touched = new HashSet<(int, int)>();
            foreach (var w in pairWords[best].ToArray())
                Merge(words[w].Pieces, words[w].Count, w, best, newId, pairCounts, pairWords, touched);
            pairCounts.Remove(best);
            foreach (var pair in touched)
            {
                if (pairCounts.TryGetValue(pair, out var count) && count > 0)
                    queue.Enqueue(pair, (-count, pair.Item1, pair.Item2));
            }
        }
        return template.WithVocabulary(vocabulary);
    }

    private static void Merge(
        List<int> pieces, long count, int word, (int, int) pair, int newId,
        Dictionary<(int, int), long> pairCounts, Dictionary<(int, int), HashSet<int>> pairWords, HashSet<(int, int)> touched)
    {
        void Change((int, int) p, long delta)
        {
            if (p.Item1 < 0 || p.Item2 < 0)
                return;
            pairCounts[p] = pairCounts.GetValueOrDefault(p) + delta;
            touched.Add(p);
            if (delta > 0)
            {
                if (!pairWords.TryGetValue(p, out var set))
                    pairWords[p] = set = [];
                set.Add(word);
            }
        }

        for (var k = 0; k + 1 < pieces.Count; k++)
        {
            if (pieces[k] != pair.Item1 || pieces[k + 1] != pair.Item2)
                continue;
            if (k > 0)
            {
                Change((pieces[k - 1], pieces[k]), -count);
                Change((pieces[k - 1], newId), count);
            }
            if (k + 2 < pieces.Count)
            {
                Change((pieces[k + 1], pieces[k + 2]), -count);
                Change((newId, pieces[k + 2]), count);
            }
            pieces[k] = newId;
            pieces.RemoveAt(k + 1);
        }
    }

    private static WordPieceTokenizer TemplateWithSpecials(IReadOnlyList<string> specials)
    {
        var root = (JsonObject)JsonNode.Parse(MrmTemplate)!;
        var added = new JsonArray();
        var vocab = new JsonObject();
        for (var id = 0; id < specials.Count; id++)
        {
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = specials[id], ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
            vocab[specials[id]] = id;
        }
        if (!vocab.ContainsKey("[UNK]"))
            throw new CxrVLException("the special tokens of a WordPiece vocabulary must include [UNK].");
        root["added_tokens"] = added;
        root["model"]!["vocab"] = vocab;
        return TokenizerJson.Parse(root, "the MRM tokenizer template");
    }
}
