using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using CxrVL.Files;
using CxrVL.Text;

namespace CxrVL.Bench;

/// <summary>
/// Tokenizing every IU report sentence (FINDINGS and IMPRESSION, split by <see cref="SentenceSplitter"/>) with the
/// real Bio_ClinicalBERT vocab.txt and MRM tokenizer.json: one sentence at a time, and in batches of 64 padded to
/// 64 tokens, on one thread. Sentences per second, median of 5 rounds after a warm-up round.
/// <c>--reference-input FILE</c> writes the sentences and tokenizer files as JSON for bench/reference/tokenizers.js.
/// </summary>
internal sealed class TokenizerBenchmark : IBenchmark
{
    public string Name => "tokenizers";

    public string Description => "WordPiece over all IU sentences (Bio_ClinicalBERT, MRM), sentences/s";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var root = DataRoots.Require();
        var splitter = new SentenceSplitter();
        var sentences = Directory.GetFiles(Path.Combine(root, "iu-xray", "ecgen-radiology"), "*.xml").Order(StringComparer.Ordinal)
            .SelectMany(path => XDocument.Load(path).Descendants("AbstractText")
                .Where(e => (string?)e.Attribute("Label") is "FINDINGS" or "IMPRESSION")
                .SelectMany(e => splitter.Split(e.Value)))
            .ToList();
        var bioVocab = Path.Combine(root, "bio-clinicalbert", "vocab.txt");
        var mrmJson = Path.Combine(root, "mrm-wordpiece", "mimic_wordpiece.json");
        var at = arguments.ToList().IndexOf("--reference-input");
        if (at >= 0 && at + 1 < arguments.Count)
        {
            var tokenizers = new Dictionary<string, object>
            {
                ["bio"] = new { vocab = bioVocab, lowercase = false },
                ["mrm"] = new { json = mrmJson },
            };
            File.WriteAllText(arguments[at + 1], JsonSerializer.Serialize(new { sentences, tokenizers }));
        }

        output.WriteLine($"# CxrVL WordPiece, {sentences.Count} IU sentences, one thread");
        foreach (var (name, path) in new[] { ("bio", bioVocab), ("mrm", mrmJson) })
        {
            var tokenizer = Tokenizers.Load(path);
            ITextTokenizer batched = tokenizer;
            var single = MedianSeconds(() =>
            {
                foreach (var sentence in sentences)
                    tokenizer.Encode(sentence);
            });
            var batch = MedianSeconds(() =>
            {
                foreach (var chunk in sentences.Chunk(64))
                    batched.EncodeBatch(chunk, 64);
            });
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}_encode {sentences.Count / single:0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}_batch64 {sentences.Count / batch:0}"));
        }
        return 0;
    }

    private static double MedianSeconds(Action action)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            action();
            times.Add(stopwatch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[2];
    }
}
