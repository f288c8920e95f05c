namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>
/// The synonym sets METEOR 1.5's synonym module looks words up in, read from a WordNet 3.0 database (Debian's
/// <c>wordnet-base</c>: <c>/usr/share/wordnet</c>). METEOR builds its <c>english.synsets</c> from WordNet's
/// <c>index.sense</c> (every lemma with the byte offsets of its synsets, part of speech dropped;
/// <c>scripts/build_wordnet_files.py</c>); the four <c>index.{noun,verb,adj,adv}</c> files hold the same lemma-offset
/// pairs, so their union is read here. Offsets are compared as plain integers, as METEOR does, so a noun and a verb
/// synset at the same byte offset of their own files count as one set. A word that is not a lemma is looked up through
/// WordNet's morphological exception lists (<c>*.exc</c>) or, failing that, METEOR's copy of WordNet's suffix rules
/// (<c>SynonymDictionary.morph</c>).
/// </summary>
public sealed class WordNetSynonyms
{
    /// <summary>Where Debian's wordnet-base installs the database.</summary>
    public const string DefaultDirectory = "/usr/share/wordnet";

    /// <summary>Environment variable that overrides <see cref="DefaultDirectory"/>.</summary>
    public const string DirectoryVariable = "CXRVL_WORDNET_DIR";

    private static readonly string[] PartsOfSpeech = ["noun", "verb", "adj", "adv"];

    // WordNet's detachment rules as METEOR's morph() lists them: (suffix, ending) for nouns, verbs, adjectives.
    private static readonly (string Suffix, string Ending)[] Detachments =
    [
        ("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y"),
        ("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
        ("er", ""), ("est", ""), ("er", "e"), ("est", "e"),
    ];

    private readonly Dictionary<string, HashSet<int>> synsets;
    private readonly Dictionary<string, List<string>> baseForms;

    private WordNetSynonyms(Dictionary<string, HashSet<int>> synsets, Dictionary<string, List<string>> baseForms)
    {
        this.synsets = synsets;
        this.baseForms = baseForms;
    }

    /// <summary>The folder to read: the option if given, else <see cref="DirectoryVariable"/>, else <see cref="DefaultDirectory"/>.</summary>
    public static string ResolveDirectory(string? option)
    {
        if (option is not null)
            return option;
        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? DefaultDirectory : fromEnvironment;
    }

    /// <summary>True when the folder holds the four index files and the four exception lists.</summary>
    public static bool IsPresent(string directory) =>
        PartsOfSpeech.All(pos => File.Exists(Path.Combine(directory, "index." + pos)) && File.Exists(Path.Combine(directory, pos + ".exc")));

    public static WordNetSynonyms Load(string directory)
    {
        if (!IsPresent(directory))
        {
            throw new CxrVLException(
                $"no WordNet 3.0 database in '{directory}' (index.noun/verb/adj/adv and noun/verb/adj/adv.exc); " +
                $"install Debian's wordnet-base or set {DirectoryVariable} to a WordNet dict folder.");
        }
        var synsets = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var pos in PartsOfSpeech)
        {
            var path = Path.Combine(directory, "index." + pos);
            var lineNumber = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                if (line.StartsWith(' '))
                    continue; // the licence header
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || !int.TryParse(fields[2], out var count) || count < 1 || count > fields.Length - 4)
                    throw new CxrVLException($"{path}, line {lineNumber}: not a WordNet index line ('{line}').");
                if (!synsets.TryGetValue(fields[0], out var set))
                    synsets[fields[0]] = set = [];
                for (var i = fields.Length - count; i < fields.Length; i++)
                {
                    if (!int.TryParse(fields[i], out var offset))
                        throw new CxrVLException($"{path}, line {lineNumber}: '{fields[i]}' is not a synset offset.");
                    set.Add(offset);
                }
            }
        }
        var baseForms = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pos in PartsOfSpeech)
        {
            foreach (var line in File.ReadLines(Path.Combine(directory, pos + ".exc")))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2)
                    continue;
                if (!baseForms.TryGetValue(fields[0], out var bases))
                    baseForms[fields[0]] = bases = [];
                bases.AddRange(fields.Skip(1));
            }
        }
        return new WordNetSynonyms(synsets, baseForms);
    }

    /// <summary>
    /// The synsets METEOR's synonym matcher compares: those of the word itself, plus those of its base forms (from the
    /// exception lists when the word is listed there, else from the first detachment rule that yields a lemma).
    /// </summary>
    public HashSet<int> SynsetsOf(string word)
    {
        var result = new HashSet<int>(Lookup(word));
        if (baseForms.TryGetValue(word, out var bases))
        {
            foreach (var form in bases)
                result.UnionWith(Lookup(form));
        }
        else
        {
            result.UnionWith(Lookup(BaseForm(word)));
        }
        return result;
    }

    private IEnumerable<int> Lookup(string word) => synsets.TryGetValue(word, out var set) ? set : [];

    // METEOR returns the word itself for words of two letters or fewer and words in -ss; otherwise the first rule
    // whose result is a lemma, or nothing. (Its -ful branch sets a variable it then overwrites; no rule suffix ends in
    // -ful, so such words get nothing.)
    private string BaseForm(string word)
    {
        if (word.EndsWith("ss", StringComparison.Ordinal) || word.Length <= 2)
            return word;
        foreach (var (suffix, ending) in Detachments)
        {
            if (!word.EndsWith(suffix, StringComparison.Ordinal))
                continue;
            var candidate = word[..^suffix.Length] + ending;
            if (synsets.ContainsKey(candidate))
                return candidate;
        }
        return "";
    }
}
