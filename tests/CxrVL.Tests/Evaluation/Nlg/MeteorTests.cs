using System.Text.RegularExpressions;
using System.Xml.Linq;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Nlg.Meteor;
using CxrVL.Files;

namespace CxrVL.Tests.Evaluation.Nlg;

/// <summary>
/// METEOR 1.5 against hand computations of its formula with the English rank-task parameters (α 0.85, β 0.2, γ 0.6,
/// δ 0.75; weights exact 1, stem 0.6, synonym 0.8), and the Snowball stemmer against Debian's python3-snowballstemmer.
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
                var scorer = MeteorScorer.ForEnglish(null, out var skipped);
                Assert.Equal([MeteorModule.Exact, MeteorModule.Stem], scorer.Modules);
                Assert.Contains("synonym module skipped", skipped);
                Assert.Contains(folder.FullName, skipped);
            }
            finally
            {
                Environment.SetEnvironmentVariable(WordNetSynonyms.DirectoryVariable, previous);
            }
            var error = Assert.Throws<CxrVLException>(() => MeteorScorer.ForEnglish(folder.FullName, out _));
            Assert.Contains(folder.FullName, error.Message);
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
