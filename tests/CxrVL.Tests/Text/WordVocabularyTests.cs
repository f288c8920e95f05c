using CxrVL.Text;

namespace CxrVL.Tests.Text;

public sealed class WordVocabularyTests
{
    private static readonly WordVocabulary Vocabulary = WordVocabulary.Build(["a b a .", "b c ."], threshold: 2);

    [Fact]
    public void Keeps_words_at_the_threshold_plus_unk_sorted_by_code_point_from_id_1()
    {
        Assert.Equal([".", "<unk>", "a", "b"], Vocabulary.Tokens);
        Assert.Equal(5, Vocabulary.VocabularySize);
        Assert.Equal(2, Vocabulary.UnknownId);
    }

    [Fact]
    public void Encodes_with_0_as_begin_end_and_padding()
    {
        var encoded = Vocabulary.Encode("a c b .");
        Assert.Equal([0, 3, 2, 4, 1, 0], encoded.Ids);
        Assert.Equal([1, 1, 1, 1, 1, 1], encoded.AttentionMask);
        var cropped = Vocabulary.Encode("a c b .", new EncodeOptions(MaxLength: 4, PadTo: 6));
        Assert.Equal([0, 3, 2, 4, 0, 0], cropped.Ids);
        Assert.Equal([1, 1, 1, 1, 0, 0], cropped.AttentionMask);
    }

    [Fact]
    public void Decodes_until_the_first_end_token()
    {
        Assert.Equal("a <unk> b .", Vocabulary.Decode([0, 3, 2, 4, 1, 0, 4]));
    }

    [Fact]
    public void Sentence_map_assigns_each_word_and_its_period()
    {
        var encoded = Vocabulary.EncodeSentences(["a b", "b"]);
        Assert.Equal([0, 3, 4, 1, 4, 1, 0], encoded.Ids);
        Assert.Equal([-1, 0, 0, 0, 1, 1, -1], encoded.SentenceIds);
    }

    [Fact]
    public void Saves_and_loads()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("cxrvl-vocab-").FullName, "vocab.json");
        Vocabulary.Save(path);
        Assert.Equal(Vocabulary.Tokens, WordVocabulary.Load(path).Tokens);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
