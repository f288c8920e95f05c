using CxrVL.Files;
using CxrVL.Text;

namespace CxrVL.Tests.Text;

public sealed class WordPieceTokenizerTests
{
    private static readonly string BioFolder = Path.Combine(DataRoots.Require(), "bio-clinicalbert");
    private static readonly string MrmJson = Path.Combine(DataRoots.Require(), "mrm-wordpiece", "mimic_wordpiece.json");

    private static int VocabLine(string token) =>
        File.ReadLines(Path.Combine(BioFolder, "vocab.txt")).Select((t, i) => (t, i)).First(x => x.t == token).i;

    [Fact]
    public void Whole_word_groups_rebuild_the_words_from_pieces()
    {
        var bio = Tokenizers.Load(BioFolder);
        var encoded = bio.Encode("Pneumothorax and cardiomegaly, unchanged.");
        var spans = WholeWords.Spans(encoded);
        var words = spans.Select(s => string.Concat(s.Select(i => encoded.Tokens[i].StartsWith("##") ? encoded.Tokens[i][2..] : encoded.Tokens[i]))).ToArray();
        Assert.Equal(["Pneumothorax", "and", "cardiomegaly", ",", "unchanged", "."], words);
        Assert.Contains(spans, s => s.Length > 1);
        var groups = WholeWords.Group(encoded);
        Assert.Equal(-1, groups[0]);
        Assert.Equal(-1, groups[^1]);

        var mrm = Tokenizers.Load(MrmJson);
        var masked = mrm.Encode("[CLS] small left pleural effusions", EncodeOptions.Fixed(12));
        var mrmWords = WholeWords.Spans(masked).Select(s => string.Concat(s.Select(i => masked.Tokens[i].TrimStart('#')))).ToArray();
        Assert.Equal(["small", "left", "pleural", "effusions"], mrmWords);
        Assert.Equal(-1, WholeWords.Group(masked)[0]);
        Assert.Equal(2, masked.Ids[0]);
    }

    [Fact]
    public void Token_to_sentence_map_of_a_multi_sentence_report_matches_each_sentence_alone()
    {
        var bio = Tokenizers.Load(BioFolder);
        string[] sentences = ["No pleural effusion.", "Heart size is normal.", "Mild bibasilar atelectasis."];
        var encoded = bio.EncodeSentences(sentences, EncodeOptions.Fixed(40));
        Assert.Equal(40, encoded.Length);
        Assert.Equal(-1, encoded.SentenceIds[0]);
        for (var s = 0; s < sentences.Length; s++)
        {
            var alone = bio.Encode(sentences[s], new EncodeOptions(AddSpecialTokens: false)).Ids;
            var mapped = encoded.Ids.Where((_, i) => encoded.SentenceIds[i] == s).ToArray();
            Assert.Equal(alone, mapped);
        }
        var content = encoded.ContentTokens;
        Assert.Equal(Enumerable.Repeat(-1, 40 - 1 - content).ToArray(), encoded.SentenceIds[(1 + content)..]);
        var joined = string.Join(' ', sentences);
        for (var i = 1; i <= content; i++)
            Assert.Contains(joined[encoded.Offsets[i].Start..encoded.Offsets[i].End], sentences[encoded.SentenceIds[i]]);
    }

    [Fact]
    public void Special_tokens_typed_in_a_sentence_belong_to_it()
    {
        var bio = Tokenizers.Load(BioFolder);
        var encoded = bio.EncodeSentences(["No [MASK] effusion.", "Heart [UNK]."]);
        Assert.Equal(0, encoded.SentenceIds[Array.IndexOf(encoded.Ids, VocabLine("[MASK]"))]);
        Assert.Equal(1, encoded.SentenceIds[Array.IndexOf(encoded.Ids, VocabLine("[UNK]"))]);
        Assert.Equal(1, encoded.SpecialMask[Array.IndexOf(encoded.Ids, VocabLine("[MASK]"))]);
    }

    [Fact]
    public void Bert_specials_truncation_and_padding()
    {
        var bio = Tokenizers.Load(Path.Combine(BioFolder, "vocab.txt"));
        var encoded = bio.Encode("There is a large right pleural effusion with adjacent atelectasis.", EncodeOptions.Fixed(8));
        Assert.Equal(8, encoded.Length);
        Assert.Equal(VocabLine("[CLS]"), encoded.Ids[0]);
        Assert.Equal(VocabLine("[SEP]"), encoded.Ids[7]);
        Assert.All(encoded.AttentionMask, m => Assert.Equal(1, m));

        var padded = bio.Encode("No effusion.", EncodeOptions.Fixed(8));
        Assert.Equal(VocabLine("[PAD]"), padded.Ids[^1]);
        Assert.Equal(0, padded.AttentionMask[^1]);
        Assert.Equal(VocabLine("[MASK]"), bio.Encode("a [MASK] b").Ids[2]);
        Assert.Throws<CxrVLException>(() => bio.Encode("x", new EncodeOptions(MaxLength: 1)));
    }

    [Fact]
    public void Casing_follows_the_vocabulary_unless_told()
    {
        Assert.Equal("Heart", Tokenizers.Load(BioFolder).Encode("Heart").Tokens[1]);
        Assert.Equal("heart", Tokenizers.Load(BioFolder, lowercase: true).Encode("Heart").Tokens[1]);
        Assert.Equal("heart size", Tokenizers.Load(MrmJson).Decode(Tokenizers.Load(MrmJson).Encode("HEART Size").Ids));
    }

    [Fact]
    public void Batches_are_row_major_fixed_length()
    {
        ITextTokenizer bio = Tokenizers.Load(BioFolder);
        var batch = bio.EncodeBatch(["No effusion.", "Heart size is normal and the lungs are clear."], 10);
        Assert.Equal((2, 10), (batch.BatchSize, batch.Length));
        Assert.Equal(batch.Items[1].Ids.Select(i => (long)i), batch.InputIds[10..]);
        Assert.Equal(0, batch.AttentionMask[9]);
    }

    [Fact]
    public void Bad_tokenizer_files_are_clear_errors()
    {
        var folder = Directory.CreateTempSubdirectory("cxrvl-tokenizer-");
        try
        {
            Assert.Contains("neither tokenizer.json nor vocab.txt", Assert.Throws<CxrVLException>(() => Tokenizers.Load(folder.FullName)).Message);
            Assert.Throws<CxrVLException>(() => Tokenizers.Load(Path.Combine(folder.FullName, "missing.json")));
            var bpe = Path.Combine(folder.FullName, "tokenizer.json");
            File.WriteAllText(bpe, """{"model": {"type": "BPE", "vocab": {}}}""");
            Assert.Contains("'BPE' is not supported", Assert.Throws<CxrVLException>(() => Tokenizers.Load(bpe)).Message);
            var vocab = Path.Combine(folder.FullName, "vocab.txt");
            File.WriteAllLines(vocab, ["[UNK]", "a", "a"]);
            Assert.Contains("repeats", Assert.Throws<CxrVLException>(() => Tokenizers.Load(vocab)).Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
