using CxrVL.Text;

namespace CxrVL.Tests.Text;

public sealed class WordPieceTrainerTests
{
    [Fact]
    public void Merges_the_most_frequent_pairs_first_with_ties_to_the_earliest_pieces()
    {
        // Worked by hand: words low x3, lower, lowest. (l,##o) and (##o,##w) tie at 5; l comes first. Then low (5),
        // lowe (2), and the count-1 ties in id order: ##st, lower, lowest.
        var tokenizer = WordPieceTrainer.Train(["low lower lowest", "low LOW"], new WordPieceTrainerOptions { VocabularySize = 100, MinFrequency = 1 });
        Assert.Equal(
            ["[PAD]", "[UNK]", "[CLS]", "[MASK]", "e", "l", "o", "r", "s", "t", "w", "##o", "##w", "##e", "##r", "##s", "##t",
             "lo", "low", "lowe", "##st", "lower", "lowest"],
            tokenizer.Vocabulary);
        Assert.Equal([22, 18, 1], tokenizer.Encode("lowest low lowly").Ids);
    }

    [Fact]
    public void Stops_at_the_vocabulary_size_and_the_minimum_frequency()
    {
        var options = new WordPieceTrainerOptions { VocabularySize = 19, MinFrequency = 1 };
        Assert.Equal(19, WordPieceTrainer.Train(["low lower lowest", "low low"], options).Vocabulary.Count);
        var frequent = WordPieceTrainer.Train(["low lower lowest", "low low"], options with { VocabularySize = 100, MinFrequency = 2 });
        Assert.Equal("lowe", frequent.Vocabulary[^1]);
    }

    [Fact]
    public void Trained_tokenizer_round_trips_through_tokenizer_json()
    {
        var reports = IuReportTexts.Load().Take(300).Select(r => r.Findings).ToList();
        var trained = WordPieceTrainer.Train(reports, new WordPieceTrainerOptions { VocabularySize = 800 });
        Assert.Equal(800, trained.Vocabulary.Count);
        var folder = Directory.CreateTempSubdirectory("cxrvl-trained-");
        try
        {
            var path = Path.Combine(folder.FullName, "tokenizer.json");
            trained.Save(path);
            var loaded = Tokenizers.Load(folder.FullName);
            Assert.Equal(trained.Vocabulary, loaded.Vocabulary);
            foreach (var report in reports)
            {
                var ids = loaded.Encode(report).Ids;
                Assert.DoesNotContain(1, ids);
                Assert.Equal(trained.Encode(report).Ids, ids);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
