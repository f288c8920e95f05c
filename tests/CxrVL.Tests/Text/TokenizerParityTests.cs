using System.Diagnostics;
using CxrVL.Files;
using CxrVL.Text;
using Xunit.Abstractions;

namespace CxrVL.Tests.Text;

/// <summary>
/// Our WordPiece tokenizer against Hugging Face <c>tokenizers</c> (Rust, via npm) on every sentence of the shared IU
/// reports, the whole reports, and a set of Unicode edge cases: ids, type ids, attention masks, word ids and offsets
/// must be equal for the real Bio_ClinicalBERT vocab.txt (cased, and forced uncased), MRM's mimic_wordpiece.json,
/// and a vocabulary our trainer produced.
/// </summary>
public sealed class TokenizerParityTests(ITestOutputHelper output)
{
    private static readonly string[] EdgeCases =
    [
        "Café naïve Ångström résumé", "中文报告 and 𠀀𠀁 ideographs", "tabs\tand\nnewlines\r\nand\u00a0nbsp\u2003em",
        "zero\u200bwidth\u200djoiner\ufeffbom", "control\u0007bell\u0000nul\ufffdreplacement", "İstanbul ΣΑΣ σας ﬁbrosis ½ x² Ⅻ ①",
        "e\u0301\u0323 combining order a\u0323\u0301", "가나다 한국어", "١٢٣ arabic digits ٤٥", "हिन्दी ภาษาไทย", "emoji 😀 heart ❤️",
        "[MASK] typed, [CLS]inside[SEP]x and [PAD][UNK]", "a" + new string('b', 120) + " long word", "12mm 3.5cm 10x12 1,000",
        "x-XXXX XXXX-XXXX. XXXX", "   leading and trailing   ", "", "..,,;;!!??", "O'Brien's \"quoted\" (paren) [bracket] {brace}",
        "$5 + 3 = 8 < 9 > 7 ^ ` | ~ @ # % & *", "\u00ad soft hyphen and \u2010 hyphen \u2013 en \u2014 em",
    ];

    [Fact]
    public void Ids_word_ids_and_offsets_equal_Hugging_Face_on_all_IU_sentences()
    {
        var reports = IuReportTexts.Load();
        var splitter = new SentenceSplitter();
        var sentences = reports.SelectMany(r => splitter.Split(r.Findings).Concat(splitter.Split(r.Impression))).ToList();
        var joined = reports.Select(r => $"{r.Findings} {r.Impression}".Trim()).ToList();
        var mrmReports = joined.Select(r => "[CLS] " + r).ToList();
        var withEdges = sentences.Concat(EdgeCases).ToList();
        Assert.True(sentences.Count > 10_000, $"only {sentences.Count} IU sentences");

        var root = DataRoots.Require();
        var bioFolder = Path.Combine(root, "bio-clinicalbert");
        var mrmJson = Path.Combine(root, "mrm-wordpiece", "mimic_wordpiece.json");
        var work = Directory.CreateTempSubdirectory("cxrvl-parity-");
        try
        {
            var trainedJson = Path.Combine(work.FullName, "trained.json");
            WordPieceTrainer.Train(sentences, new WordPieceTrainerOptions { VocabularySize = 3000 }).Save(trainedJson);

            var ours = new Dictionary<string, WordPieceTokenizer>
            {
                ["bio"] = Tokenizers.Load(bioFolder),
                ["bio-uncased"] = Tokenizers.Load(Path.Combine(bioFolder, "vocab.txt"), lowercase: true),
                ["mrm"] = Tokenizers.Load(mrmJson),
                ["trained"] = Tokenizers.Load(trainedJson),
            };
            TokenizerReference.Tokenizer[] references =
            [
                new("bio", Vocab: Path.Combine(bioFolder, "vocab.txt"), Lowercase: false),
                new("bio-uncased", Vocab: Path.Combine(bioFolder, "vocab.txt"), Lowercase: true),
                new("mrm", Json: mrmJson),
                new("trained", Json: trainedJson),
            ];
            TokenizerReference.Run[] runs =
            [
                new("bio", withEdges, null, null),
                new("bio", sentences, 16, 16),
                new("bio", joined, 128, 128),
                new("bio-uncased", withEdges, null, null),
                new("mrm", withEdges, null, null),
                new("mrm", mrmReports, 100, 100),
                new("mrm", sentences, 12, 24),
                new("trained", withEdges, null, null),
            ];

            var stopwatch = Stopwatch.StartNew();
            var expected = TokenizerReference.Encode(references, runs);
            output.WriteLine($"reference encodings: {stopwatch.Elapsed.TotalSeconds:0.0} s");

            var compared = 0;
            var mismatches = new List<string>();
            for (var r = 0; r < runs.Length; r++)
            {
                var run = runs[r];
                var tokenizer = ours[run.Tokenizer];
                var options = new EncodeOptions(run.MaxLength, run.PadTo);
                stopwatch.Restart();
                var actual = run.Texts.Select(t => tokenizer.Encode(t, options)).ToList();
                output.WriteLine($"{run.Tokenizer} max {run.MaxLength} pad {run.PadTo}: {run.Texts.Count} texts in {stopwatch.Elapsed.TotalMilliseconds:0} ms");
                for (var i = 0; i < actual.Count; i++, compared++)
                {
                    var difference = Difference(run.Texts[i], actual[i], expected[r], i);
                    if (difference is not null)
                        mismatches.Add($"{run.Tokenizer} (max {run.MaxLength}, pad {run.PadTo}) text {i} \"{run.Texts[i]}\": {difference}");
                }
            }
            output.WriteLine($"{compared} sequences compared, {mismatches.Count} mismatches");
            Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} sequences differ:\n" + string.Join('\n', mismatches.Take(10)));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string? Difference(string text, TokenizedText actual, TokenizerReference.Result expected, int i)
    {
        if (!actual.Ids.SequenceEqual(expected.Ids[i]))
            return $"ids [{string.Join(',', actual.Ids)}] vs [{string.Join(',', expected.Ids[i])}]";
        if (!actual.TypeIds.SequenceEqual(expected.TypeIds[i]))
            return "type ids differ";
        if (!actual.AttentionMask.SequenceEqual(expected.AttentionMask[i]))
            return "attention masks differ";
        if (!actual.WordIds.SequenceEqual(expected.WordIds[i]))
            return $"word ids [{string.Join(',', actual.WordIds)}] vs [{string.Join(',', expected.WordIds[i])}]";
        var codePoint = CodePointIndex(text);
        var offsets = actual.Offsets.Select(o => $"{codePoint[o.Start]}-{codePoint[o.End]}");
        var reference = expected.Offsets[i].Select(o => $"{o[0]}-{o[1]}");
        return offsets.SequenceEqual(reference) ? null : $"offsets [{string.Join(',', offsets)}] vs [{string.Join(',', reference)}]";
    }

    /// <summary>Code-point index of every UTF-16 index (and of the end).</summary>
    private static int[] CodePointIndex(string text)
    {
        var map = new int[text.Length + 1];
        var cp = 0;
        for (var i = 0; i < text.Length; i++)
        {
            map[i] = cp;
            if (!(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
                cp++;
        }
        map[text.Length] = cp;
        return map;
    }
}
