using System.IO.Compression;

namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>
/// METEOR 1.5's paraphrase table (<c>ParaphraseTransducer</c>), read from its gzipped text file
/// (<c>paraphrase-en.gz</c>, which ships beside <c>meteor-1.5.jar</c> in its <c>data/</c> folder). The file is a
/// sequence of three-line records: a probability (not read, as the jar does not read it), a reference phrase and its
/// paraphrase, words separated by white space. The reference phrases form a trie; looking a sentence up from one word
/// returns every phrase of the table that starts there, shortest first and, for one phrase, in file order, each with
/// its paraphrase. Words are compared as exact strings: the table is expected in METEOR's normalised form (lower case,
/// tokenised), as the hypotheses and references are.
/// </summary>
public sealed class ParaphraseTable
{
    /// <summary>Environment variable naming the file when no option does.</summary>
    public const string FileVariable = "CXRVL_METEOR_PARAPHRASE";

    private const int Root = 0;

    // java.util.StringTokenizer's default delimiters, which the jar splits phrases with.
    private static readonly char[] Delimiters = [' ', '\t', '\n', '\r', '\f'];

    private readonly Dictionary<string, int> vocabulary = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> transitions = [];
    private readonly List<int> firstEmit = [-1];
    private readonly List<int> lastEmit = [-1];
    private readonly List<int> nextEmit = [];
    private readonly List<int> paraphraseStart = [0];
    private readonly List<int> paraphraseWords = [];

    private ParaphraseTable()
    {
    }

    /// <summary>Number of (reference phrase, paraphrase) records.</summary>
    public int Count => nextEmit.Count;

    /// <summary>The file to read: the option if given, else <see cref="FileVariable"/>, else none.</summary>
    public static string? ResolveFile(string? option)
    {
        if (option is not null)
            return option;
        var fromEnvironment = Environment.GetEnvironmentVariable(FileVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
    }

    public static ParaphraseTable Load(string path)
    {
        if (!File.Exists(path))
            throw new CxrVLException($"METEOR paraphrase table '{path}' not found (METEOR 1.5's data/paraphrase-en.gz).");
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            return Read(reader, path);
        }
        catch (InvalidDataException error)
        {
            throw new CxrVLException($"{path}: not a gzip file ({error.Message}); METEOR's paraphrase table is read gzipped, as the jar reads it.");
        }
    }

    /// <summary>Records from text already decompressed; <paramref name="source"/> names it in errors.</summary>
    public static ParaphraseTable Read(TextReader reader, string source)
    {
        var table = new ParaphraseTable();
        var lineNumber = 0;
        string[] Phrase(string what)
        {
            var line = reader.ReadLine();
            lineNumber++;
            if (line is null)
                throw new CxrVLException($"{source}, line {lineNumber}: the file ends inside a record (probability, reference phrase, paraphrase); expected the {what}.");
            var words = line.Split(Delimiters, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
                throw new CxrVLException($"{source}, line {lineNumber}: empty {what}.");
            return words;
        }
        while (reader.ReadLine() is not null)
        {
            lineNumber++;
            var reference = Phrase("reference phrase");
            var paraphrase = Phrase("paraphrase");
            table.Add(reference, paraphrase);
        }
        return table;
    }

    private void Add(string[] reference, string[] paraphrase)
    {
        var node = Root;
        foreach (var word in reference)
        {
            var key = Key(node, Map(word));
            if (!transitions.TryGetValue(key, out var child))
            {
                child = firstEmit.Count;
                firstEmit.Add(-1);
                lastEmit.Add(-1);
                transitions.Add(key, child);
            }
            node = child;
        }
        var record = nextEmit.Count;
        nextEmit.Add(-1);
        if (lastEmit[node] == -1)
            firstEmit[node] = record;
        else
            nextEmit[lastEmit[node]] = record;
        lastEmit[node] = record;
        foreach (var word in paraphrase)
            paraphraseWords.Add(Map(word));
        paraphraseStart.Add(paraphraseWords.Count);
    }

    private int Map(string word)
    {
        if (!vocabulary.TryGetValue(word, out var id))
        {
            id = vocabulary.Count;
            vocabulary.Add(word, id);
        }
        return id;
    }

    private static long Key(int node, int word) => ((long)node << 32) | (uint)word;

    /// <summary>The table's id of each word, -1 for a word it does not hold (<c>translate</c>).</summary>
    public int[] Translate(IReadOnlyList<string> words) =>
        words.Select(w => vocabulary.TryGetValue(w, out var id) ? id : -1).ToArray();

    /// <summary>
    /// Every record whose reference phrase is <paramref name="words"/>[<paramref name="start"/>..] for some length:
    /// (phrase length, record), shortest phrases first (<c>getReferencePaths</c>).
    /// </summary>
    public IEnumerable<(int Length, int Record)> PhrasesAt(int[] words, int start)
    {
        var node = Root;
        for (var i = start; i < words.Length; i++)
        {
            if (!transitions.TryGetValue(Key(node, words[i]), out node))
                yield break;
            for (var record = firstEmit[node]; record != -1; record = nextEmit[record])
                yield return (i - start + 1, record);
        }
    }

    /// <summary>The paraphrase of a record, as word ids.</summary>
    public ReadOnlySpan<int> Paraphrase(int record) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(paraphraseWords)[paraphraseStart[record]..paraphraseStart[record + 1]];
}
