using CxrVL.Text.Cleaning;

namespace CxrVL.Tests.Text;

/// <summary>Each recipe against outputs worked out by hand from what the original code does (anchors §1.3, §2.5, §4.5, §6.1, §6.7).</summary>
public sealed class ReportCleanerTests
{
    [Theory]
    [InlineData("The heart size is normal. The lungs are clear.. No pneumothorax, effusion or focal air-space consolidation.",
        "the heart size is normal . the lungs are clear . no pneumothorax effusion or focal air-space consolidation .")]
    [InlineData("1. Cardiomegaly. 2. No effusion. 3. Degenerative changes of the spine.",
        "cardiomegaly . no effusion . degenerative changes of the spine .")]
    [InlineData("Normal chest x-XXXX.", "normal chest x-xxxx .")]
    [InlineData("T/B ratio is 'normal' (stable); @ 5% = ok", "tb ratio is normal stable  5  ok .")]
    public void R2Gen_iu_cleaning(string report, string expected) =>
        Assert.Equal(expected, ReportCleaners.BuiltIn.Create("r2gen-iu").Clean(report).Text);

    [Fact]
    public void R2Gen_mimic_cleaning_collapses_newlines_underscores_and_spaces()
    {
        var cleaned = ReportCleaners.BuiltIn.Create("xpronet-mimic").Clean("FINDINGS:\n\nThe lungs are clear.  ___ is seen.\n1. No effusion.");
        Assert.Equal("findings the lungs are clear .  is seen . no effusion .", cleaned.Text);
        Assert.Equal(["findings the lungs are clear", " is seen", "no effusion"], cleaned.Sentences);
    }

    [Fact]
    public void Mgca_caption_splits_on_numbers_and_periods_drops_short_fragments_and_non_ascii()
    {
        var cleaned = ReportCleaners.BuiltIn.Create("mgca").Clean("IMPRESSION: 1. No acute process. 2. Heart size 1.5 cm. FINDINGS: Lungs clear. ok. Café ñ test.");
        Assert.Equal(["no acute process", "heart size", "5 cm", "findings lungs clear", "caf test"], cleaned.Sentences);
        Assert.Equal("no acute process heart size 5 cm findings lungs clear caf test", cleaned.Text);
        Assert.Equal(12, cleaned.Words);
        Assert.True(cleaned.Kept);
    }

    [Fact]
    public void Medst_sent_proc_equals_medsts_released_sentence_processing()
    {
        // Fragments of two or more words run together without a space, as temporal_test.py's sent_proc joins them
        // (reference: medst_sent_proc.py, written from it).
        string[] sentences =
        [
            "Pleural effusion has increased.",
            "Small left pleural effusion. Mild cardiomegaly is unchanged.",
            "1. Edema has resolved. 2. No longer any pneumothorax.",
            "Heart size 1.5 cm larger. Ok. Café ñ opacity persists.",
            "No change.\u00a0Lungs clear",
        ];
        var folder = Directory.CreateTempSubdirectory("cxrvl-sentproc-");
        try
        {
            var path = Path.Combine(folder.FullName, "sentences.txt");
            File.WriteAllText(path, string.Join("\n", sentences) + "\n");
            var expected = System.Text.Json.JsonSerializer.Deserialize<string[]>(
                PythonReference.Run(PythonReference.Script("Text/reference/medst_sent_proc.py"), path))!;
            var cleaner = ReportCleaners.BuiltIn.Create("medst-sent-proc");
            Assert.Equal(expected, sentences.Select(s => cleaner.Clean(s).Text));
            Assert.Equal("small left pleural effusionmild cardiomegaly is unchanged", cleaner.Clean(sentences[1]).Text);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Normal. Clear.", 0)]
    [InlineData("No effusion.", 2)]
    public void Mgca_drops_reports_with_fewer_than_three_words(string report, int words)
    {
        var cleaned = ReportCleaners.BuiltIn.Create("medst").Clean(report);
        Assert.Equal(words, cleaned.Words);
        Assert.False(cleaned.Kept);
    }

    [Fact]
    public void Prior_keeps_sentence_lists_of_at_least_four_sentences()
    {
        var prior = ReportCleaners.BuiltIn.Create("prior");
        var four = prior.Clean("The heart is normal.  Lungs are\nclear. No effusion. No pneumothorax.");
        Assert.Equal(["The heart is normal.", "Lungs are clear.", "No effusion.", "No pneumothorax."], four.Sentences);
        Assert.Equal("The heart is normal. Lungs are clear. No effusion. No pneumothorax.", four.Text);
        Assert.True(four.Kept);
        Assert.False(prior.Clean("The heart is normal. Lungs are clear. No effusion.").Kept);
    }

    [Fact]
    public void Iu_deidentification_tokens_are_counted_removed_or_replaced()
    {
        const string report = "Normal chest x-XXXX. XXXX XXXX are intact. X-ray and EXXXAM are words.";
        Assert.Equal(3, Deidentification.Count(report));
        Assert.Equal("Normal chest x-. are intact. X-ray and EXXXAM are words.", Deidentification.Apply(report, DeidentificationMode.Remove));
        Assert.Equal("Normal chest x-[UNK]. [UNK] [UNK] are intact. X-ray and EXXXAM are words.",
            Deidentification.Apply(report, DeidentificationMode.Replace, "[UNK]"));
        Assert.Equal("normal chest x- .", ReportCleaners.BuiltIn.Create("r2gen-iu", DeidentificationMode.Remove).Clean("Normal chest x-XXXX.").Text);
    }

    [Fact]
    public void Unknown_recipe_names_the_closest()
    {
        var error = Assert.Throws<CxrVLException>(() => ReportCleaners.BuiltIn.Create("r2gen-ui"));
        Assert.Contains("r2gen-iu", error.Message);
    }
}
