namespace CxrVL.Evaluation.Reports;

/// <summary>
/// How varied and how repetitive a system's reports are (see <see cref="TextDiversity"/>).
/// </summary>
/// <param name="Distinct">distinct-1..4: distinct n-grams over all n-grams of all reports (Li et al., 2016)</param>
/// <param name="DistinctReports">distinct report texts over reports (1: every report different; 1/n: one report for all)</param>
/// <param name="RepeatedSentences">sentences that repeat an earlier sentence of the same report, per report</param>
/// <param name="ReportsWithRepeatedSentence">share of reports with at least one repeated sentence</param>
/// <param name="Vocabulary">distinct words the reports use</param>
/// <param name="VocabularyCoverage">share of the references' distinct words that the reports use</param>
public sealed record DiversityFigures(
    IReadOnlyList<double> Distinct, double DistinctReports, double RepeatedSentences, double ReportsWithRepeatedSentence,
    int Vocabulary, double VocabularyCoverage);
