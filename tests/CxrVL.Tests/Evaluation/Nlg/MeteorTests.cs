using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Nlg.Meteor;
using CxrVL.Files;

namespace CxrVL.Tests.Evaluation.Nlg;

/// <summary>
/// METEOR 1.5 against hand computations of its formula with the English rank-task parameters (α 0.85, β 0.2, γ 0.6,
/// δ 0.75; weights exact 1, stem 0.6, synonym 0.8, paraphrase 0.6), and the Snowball stemmer against Debian's
/// python3-snowballstemmer. Paraphrase cases use hand-made tables in the format of METEOR's paraphrase-en.gz.
/// </summary>
public sealed class MeteorTests
{
    private const double Alpha = 0.85, Beta = 0.20, Gamma = 0.60, Delta = 0.75;

    private static MeteorScorer ExactOnly() => new(new MeteorAligner([MeteorModule.Exact], null));

    private static MeteorScorer ExactAndStem() => new(new MeteorAligner([MeteorModule.Exact, MeteorModule.Stem], null));

    private static MeteorScorer AllModules()
    {
        Assert.True(WordNetSynonyms.IsPresent(WordNetSynonyms.DefaultDirectory),
            "this test needs Debian's wordnet-base in /usr/share/wordnet (scripts/setup --tests installs it)");
        return new(new MeteorAligner([MeteorModule.Exact, MeteorModule.Stem, MeteorModule.Synonym], WordNetSynonyms.Load(WordNetSynonyms.DefaultDirectory)));
    }

    private static double Segment(MeteorScorer scorer, string hypothesis, string reference) =>
        scorer.Score([new NlgSample("0", hypothesis, [reference])]).Corpus;

    private static double FMean(double precision, double recall) => 1 / ((1 - Alpha) / precision + Alpha / recall);

    [Fact]
    public void Identical_texts_score_one()
    {
        Assert.Equal(1.0, Segment(ExactOnly(), "cardiac silhouette normal", "cardiac silhouette normal"), 12);
    }

    [Fact]
    public void Exact_matches_in_two_chunks_take_the_fragmentation_penalty()
    {
        // Four content words, all matched, in two chunks: P = R = 1; frag = 2 / ((4 + 4) / 2).
        var expected = 1 - Gamma * Math.Pow(2.0 / 4, Beta);
        Assert.Equal(expected, Segment(ExactOnly(), "lungs clear heart normal", "heart normal lungs clear"), 12);
        Assert.Equal(0.4776696621, expected, 9);
    }

    [Fact]
    public void Function_words_weigh_one_minus_delta()
    {
        // "the" and "is" are function words. Hypothesis: 2 content + 2 function; reference "heart size is normal": 3 + 1.
        // Matched: heart (content), is (function), in two chunks (the reference's "size" breaks them).
        var hypothesisLength = Delta * 2 + (1 - Delta) * 2;
        var referenceLength = Delta * 3 + (1 - Delta) * 1;
        var matched = Delta + (1 - Delta);
        var expected = FMean(matched / hypothesisLength, matched / referenceLength) * (1 - Gamma * Math.Pow(2.0 / 2, Beta));
        Assert.Equal(expected, Segment(ExactOnly(), "the heart is enlarged", "heart size is normal"), 12);
        Assert.Equal(0.1649484536, expected, 9);
    }

    [Fact]
    public void No_match_and_empty_texts_score_zero()
    {
        Assert.Equal(0, Segment(ExactOnly(), "pleural effusion", "normal lungs"));
        Assert.Equal(0, Segment(ExactOnly(), "", "normal lungs"));
        Assert.Equal(0, Segment(ExactOnly(), "normal lungs", ""));
    }

    [Fact]
    public void Stem_matches_count_with_weight_point_six()
    {
        // "effusions" and "effusion" share the Snowball stem "effus"; "small" matches exactly; one chunk covering both
        // texts, so no penalty.
        var precision = (Delta * 1.0 + Delta * 0.6) / (Delta * 2);
        Assert.Equal(FMean(precision, precision), Segment(ExactAndStem(), "small effusions", "small effusion"), 12);
        Assert.Equal(0.8, precision, 12);
        // Exact only: one of two words, one chunk over one match each side: frag 1.
        Assert.Equal(FMean(0.5, 0.5) * (1 - Gamma), Segment(ExactOnly(), "small effusions", "small effusion"), 12);
    }

    [Fact]
    public void Synonyms_from_wordnet_count_with_weight_point_eight()
    {
        var scorer = AllModules();
        // big and large share adjective synset 01382086; "larger" reaches "large" by WordNet's -er rule; "geese" reaches
        // "goose" through noun.exc.
        var twoWords = (Delta * 0.8 + Delta * 1.0) / (Delta * 2);
        Assert.Equal(twoWords, Segment(scorer, "large effusion", "big effusion"), 12);
        Assert.Equal(twoWords, Segment(scorer, "larger effusion", "big effusion"), 12);
        Assert.Equal(0.8, Segment(scorer, "geese", "goose"), 12);
        Assert.Equal(FMean(0.5, 0.5) * (1 - Gamma), Segment(ExactAndStem(), "large effusion", "big effusion"), 12);
    }

    [Fact]
    public void Corpus_score_comes_from_summed_statistics_and_a_perfect_segment_adds_no_chunk()
    {
        var samples = new List<NlgSample>
        {
            new("a", "heart normal", ["heart normal"]),                  // perfect: 2 content words, chunk not summed
            new("b", "lungs clear heart normal", ["heart normal lungs clear"]), // 4 matched, 2 chunks
            new("c", "pleural effusion", ["no pneumothorax"]),           // 0 matched; "no" is a function word
        };
        var result = ExactOnly().Score(samples);
        // Sums: hypothesis 8 content words, all but 2 matched -> 6; reference 7 content + 1 function, 6 content matched.
        var precision = Delta * 6 / (Delta * 8);
        var recall = Delta * 6 / (Delta * 7 + (1 - Delta) * 1);
        var expected = FMean(precision, recall) * (1 - Gamma * Math.Pow(2.0 / 6, Beta));
        Assert.Equal(expected, result.Corpus, 12);
        Assert.Equal(new[] { 1.0, 1 - Gamma * Math.Pow(0.5, Beta), 0.0 }.Select(s => Math.Round(s, 12)), result.Segments.Select(s => Math.Round(s, 12)));
    }

    [Fact]
    public void The_best_reference_is_kept()
    {
        var samples = new List<NlgSample> { new("a", "heart normal", ["lungs clear", "heart normal", "heart"]) };
        Assert.Equal(1.0, ExactOnly().Score(samples).Corpus, 12);
    }

    [Fact]
    public void Aligner_prefers_fewer_chunks_among_equal_coverage()
    {
        // "the" occurs twice in the hypothesis: aligning the reference's "the" to the second keeps one chunk.
        var scorer = ExactOnly();
        var statistics = scorer.Statistics(["the", "lungs", "the", "heart"], ["the", "heart"]);
        Assert.Equal(1, statistics.Chunks);
    }

    [Fact]
    public void Normaliser_splits_punctuation_and_lower_cases_as_meteor_does()
    {
        Assert.Equal(["no", "acute", "disease", ".", "heart", "size", "normal", ","],
            MeteorNormalizer.Tokens("No acute disease. Heart size normal,"));
        // "--" becomes "-"; a dash between letters or digits becomes a space; a comma inside a number stays.
        Assert.Equal(["a", "2", "3", "cm", "nodule", "-", "stable", "3,5"], MeteorNormalizer.Tokens("a 2-3 cm nodule -- stable 3,5"));
        Assert.Equal(["dr.", "smith", "'s", "film", "(", "old", ")"], MeteorNormalizer.Tokens("Dr. Smith's film (old)"));
        // A dot before a lower-case word stays attached, as in the jar: cleaned lower-case text keeps "normal."
        Assert.Equal(["heart", "normal.", "lungs", "clear", "."], MeteorNormalizer.Tokens("heart normal. lungs clear."));
    }

    [Fact]
    public void Missing_wordnet_skips_the_synonym_module_with_a_message()
    {
        var folder = Directory.CreateTempSubdirectory("cxrvl-wordnet-");
        try
        {
            var previous = Environment.GetEnvironmentVariable(WordNetSynonyms.DirectoryVariable);
            Environment.SetEnvironmentVariable(WordNetSynonyms.DirectoryVariable, folder.FullName);
            try
            {
                var scorer = MeteorScorer.ForEnglish(null, null, out var skipped);
                Assert.Equal([MeteorModule.Exact, MeteorModule.Stem], scorer.Modules);
                Assert.Contains("synonym module skipped", skipped);
                Assert.Contains(folder.FullName, skipped);
            }
            finally
            {
                Environment.SetEnvironmentVariable(WordNetSynonyms.DirectoryVariable, previous);
            }
            var error = Assert.Throws<CxrVLException>(() => MeteorScorer.ForEnglish(folder.FullName, null, out _));
            Assert.Contains(folder.FullName, error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // Tables in paraphrase-en.gz's format: probability, reference phrase, paraphrase; three lines a record.
    private static MeteorScorer WithParaphrases(params string[] records)
    {
        var table = ParaphraseTable.Read(new StringReader(string.Join("\n", records) + "\n"), "test table");
        return new(new MeteorAligner([MeteorModule.Exact, MeteorModule.Stem, MeteorModule.Paraphrase], null, table));
    }

    [Fact]
    public void A_paraphrase_matches_phrase_to_phrase_with_weight_point_six()
    {
        var scorer = WithParaphrases("0.4", "heart size", "cardiac silhouette");
        // "cardiac silhouette" = "heart size" (paraphrase, 2 content words each side), "is" (function) and "normal"
        // exact; one chunk over every word: no penalty. Each side: length 0.75·3 + 0.25·1 = 2.5, matched
        // 1·(0.75 + 0.25) + 0.6·(0.75·2) = 1.9.
        Assert.Equal(1.9 / 2.5, Segment(scorer, "cardiac silhouette is normal", "heart size is normal"), 12);
        // Without the module: "is normal" only, in one chunk over two matches each side: frag 1/2.
        Assert.Equal(FMean(0.4, 0.4) * (1 - Gamma * Math.Pow(0.5, Beta)), Segment(ExactAndStem(), "cardiac silhouette is normal", "heart size is normal"), 12);
    }

    [Fact]
    public void Phrases_of_different_lengths_match_in_either_direction_of_the_table()
    {
        // "enlarged" (1 reference word) = "increased in size" (3 hypothesis words, "in" a function word); "heart" exact;
        // one chunk, every word matched. P = (0.75 + 0.6·(0.75·2 + 0.25)) / (0.75·3 + 0.25) = 1.8 / 2.5;
        // R = (0.75 + 0.6·0.75) / (0.75·2) = 1.2 / 1.5.
        var expected = FMean(1.8 / 2.5, 1.2 / 1.5);
        Assert.Equal(0.7868852459, expected, 9);
        const string hypothesis = "heart increased in size", reference = "heart enlarged";
        Assert.Equal(expected, Segment(WithParaphrases("0.1", "enlarged", "increased in size"), hypothesis, reference), 12);
        Assert.Equal(expected, Segment(WithParaphrases("0.1", "increased in size", "enlarged"), hypothesis, reference), 12);
        // Both records: the pair is listed twice, so it is not fixed and the beam search takes it.
        Assert.Equal(expected, Segment(WithParaphrases("0.1", "enlarged", "increased in size", "0.1", "increased in size", "enlarged"), hypothesis, reference), 12);
    }

    [Fact]
    public void A_two_word_paraphrase_ranks_with_an_exact_word_and_wins_on_chunks()
    {
        // "pleural" matches exactly and inside the paraphrase "pleural effusion" = "pleural fluid". In the jar's
        // ranking a two-word paraphrase covers (int)(2·0.5) = 1 word per side, as much as the exact "pleural"; the
        // paraphrase path then has one chunk against two for the exact one, so it wins: every word matched at weight
        // 0.6, no penalty.
        var scorer = WithParaphrases("0.2", "pleural effusion", "pleural fluid");
        Assert.Equal(0.6, Segment(scorer, "pleural fluid", "pleural effusion"), 12);
        // The exact match alone: 1 of 2 content words each side, frag 1.
        Assert.Equal(FMean(0.5, 0.5) * (1 - Gamma), Segment(ExactAndStem(), "pleural fluid", "pleural effusion"), 12);
    }

    [Fact]
    public void A_paraphrase_table_with_a_broken_record_names_the_file_and_line()
    {
        var truncated = Assert.Throws<CxrVLException>(() => ParaphraseTable.Read(new StringReader("0.5\nheart size\n"), "t.gz"));
        Assert.Contains("t.gz, line 3", truncated.Message);
        var empty = Assert.Throws<CxrVLException>(() => ParaphraseTable.Read(new StringReader("0.5\n \ncardiac\n"), "t.gz"));
        Assert.Contains("t.gz, line 2: empty reference phrase", empty.Message);
    }

    [Fact]
    public void A_gzipped_table_given_by_option_or_environment_adds_the_paraphrase_module()
    {
        var folder = Directory.CreateTempSubdirectory("cxrvl-paraphrase-");
        try
        {
            var path = Path.Combine(folder.FullName, "paraphrase-en.gz");
            using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            using (var writer = new StreamWriter(gzip))
                writer.Write("0.4\nheart size\ncardiac silhouette\n");
            var scorer = MeteorScorer.ForEnglish(null, path, out var skipped);
            Assert.Equal(MeteorModule.Paraphrase, scorer.Modules[^1]);
            Assert.DoesNotContain("paraphrase", skipped ?? "");
            Assert.Equal(0.6, Segment(scorer, "cardiac silhouette", "heart size"), 12);

            var previous = Environment.GetEnvironmentVariable(ParaphraseTable.FileVariable);
            Environment.SetEnvironmentVariable(ParaphraseTable.FileVariable, null);
            try
            {
                var without = MeteorScorer.ForEnglish(null, null, out var reason);
                Assert.DoesNotContain(MeteorModule.Paraphrase, without.Modules);
                Assert.Contains("paraphrase module skipped", reason);
                Assert.Contains("no paraphrase module", NlgScores.Definitions(false, without.Modules)["METEOR"]);
                Environment.SetEnvironmentVariable(ParaphraseTable.FileVariable, path);
                Assert.Contains(MeteorModule.Paraphrase, MeteorScorer.ForEnglish(null, null, out _).Modules);
            }
            finally
            {
                Environment.SetEnvironmentVariable(ParaphraseTable.FileVariable, previous);
            }
            File.WriteAllText(path, "not gzip");
            Assert.Contains(path, Assert.Throws<CxrVLException>(() => ParaphraseTable.Load(path)).Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Stemmer_equals_debian_snowballstemmer_on_every_word_of_the_iu_reports()
    {
        var words = Directory.EnumerateFiles(Path.Combine(DataRoots.Dataset("iu-xray"), "ecgen-radiology"), "*.xml")
            .SelectMany(path => XDocument.Load(path).Descendants("AbstractText").Select(a => a.Value.ToLowerInvariant()))
            .SelectMany(text => Regex.Matches(text, "[a-z']+").Select(m => m.Value))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(words.Count > 2000, $"only {words.Count} distinct words");
        var folder = Directory.CreateTempSubdirectory("cxrvl-stem-");
        try
        {
            var path = Path.Combine(folder.FullName, "words.txt");
            File.WriteAllLines(path, words);
            var expected = PythonReference.RunCode(
                "import sys, snowballstemmer; s = snowballstemmer.stemmer('english'); " +
                "print('\\n'.join(s.stemWords(open(sys.argv[1]).read().split('\\n')[:-1])))", path).Split('\n');
            Assert.Equal(words.Count, expected.Length);
            var differing = words.Select((w, i) => (Word: w, Expected: expected[i], Actual: SnowballEnglishStemmer.Stem(w)))
                .Where(t => t.Expected != t.Actual).Take(10).ToList();
            Assert.True(differing.Count == 0, string.Join("; ", differing.Select(d => $"{d.Word}: snowball {d.Expected}, CxrVL {d.Actual}")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
