namespace CxrVL.Evaluation.Reports;

/// <summary>
/// One report's own scores: BLEU-1..4 of the report alone (coco-caption's per-sentence BLEU), ROUGE-L, CIDEr-D,
/// clinical efficacy's true positives, false positives and false negatives summed over the 14 observations (0 when the
/// reference is empty), its words and its repeated sentences.
/// </summary>
public sealed record PerReportScores(
    string Id, IReadOnlyList<double> Bleu, double RougeL, double Cider, int CeTruePositives, int CeFalsePositives, int CeFalseNegatives,
    int Words, int RepeatedSentences);
