using CxrVL.Evaluation.Reports;

namespace CxrVL.Tests.Evaluation.Reports;

public sealed class TextDiversityTests
{
    [Fact]
    public void Hand_counted_figures()
    {
        string[] predictions = ["the lungs are clear . the lungs are clear .", "No effusion. no EFFUSION!\nheart normal", "the lungs are clear . the lungs are clear ."];
        string[] references = ["the lungs are clear .", "no pleural effusion ."];

        var figures = TextDiversity.Compute(predictions, references);

        // Unigrams: report 1 has 10 (the lungs are clear . x2), report 2 has 7 (No effusion. no EFFUSION! heart normal split on
        // whitespace: No, effusion., no, EFFUSION!, heart, normal = 6), report 3 as report 1: 26 in all; distinct: the, lungs,
        // are, clear, ., No, effusion., no, EFFUSION!, heart, normal = 11.
        Assert.Equal(11 / 26.0, figures.Distinct[0], 12);
        // Two distinct texts among three reports.
        Assert.Equal(2 / 3.0, figures.DistinctReports, 12);
        // Report 1 and 3 repeat one sentence each; report 2 repeats "no effusion" ignoring case: 3 over 3 reports.
        Assert.Equal(1, figures.RepeatedSentences, 12);
        Assert.Equal(1, figures.ReportsWithRepeatedSentence, 12);
        Assert.Equal(11, figures.Vocabulary);
        // Reference words: the, lungs, are, clear, ., no, pleural, effusion: 6 of 8 used (pleural and effusion are not).
        Assert.Equal(6 / 8.0, figures.VocabularyCoverage, 12);
        Assert.Equal(0, TextDiversity.RepeatedSentences("no effusion . no pneumothorax ."));
    }
}
