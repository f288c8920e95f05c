using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Nlg.Meteor;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// Every report-generation metric as a function of summed per-report statistics, so that a bootstrap resample or a
/// permutation of reports is scored by adding rows, never by re-running the scorers. A row holds: 1 (the report),
/// 1 when its reference is not empty (clinical efficacy's reports), BLEU's clipped matches, counts and lengths,
/// ROUGE-L, CIDEr-D, the repeated sentences, clinical efficacy's true positive, false positive and false negative
/// per observation, and METEOR's statistics. Corpus BLEU, clinical efficacy and METEOR are computed from the sums
/// exactly as <see cref="Bleu"/>, <see cref="ClinicalEfficacy"/> and <see cref="MeteorScorer"/> compute them; ROUGE-L,
/// CIDEr-D, words and repeated sentences are means per report.
/// </summary>
public static class ReportMetrics
{
    internal const int ReportsAt = 0;
    internal const int ClinicalReportsAt = 1;
    internal const int BleuAt = 2;
    internal static readonly int RougeAt = BleuAt + Bleu.StatisticsLength();
    internal static readonly int CiderAt = RougeAt + 1;
    internal static readonly int RepeatedAt = CiderAt + 1;
    internal static readonly int ClinicalAt = RepeatedAt + 1;
    internal static readonly int MeteorAt = ClinicalAt + ClinicalEfficacy.CountLength;

    /// <summary>Values per report row.</summary>
    public static int Width { get; } = MeteorAt + MeteorStatistics.SpanLength;

    // The hypothesis length is BLEU's; words per report are read from it.
    private static readonly int WordsAt = BleuAt + 2 * 4;

    /// <summary>
    /// The metrics, in the order <see cref="Evaluate"/> returns them: BLEU_1..BLEU_4, ROUGE_L, CIDEr, METEOR, clinical efficacy
    /// (<c>CE_</c> and the keys of <see cref="ClinicalEfficacyScores.ToDictionary"/>), WORDS and REPEATED_SENTENCES (per
    /// report).
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "ROUGE_L", "CIDEr", "METEOR",
        .. ClinicalEfficacy.FromCounts(new double[ClinicalEfficacy.CountLength], 0, UncertainLabels.Positive).ToDictionary().Keys.Select(k => "CE_" + k),
        "WORDS", "REPEATED_SENTENCES",
    ];

    /// <summary>The metrics of summed rows, in <see cref="Names"/> order.</summary>
    public static double[] Evaluate(ReadOnlySpan<double> sums, UncertainLabels uncertain)
    {
        var values = new double[Names.Count];
        var reports = sums[ReportsAt];
        var bleu = Bleu.FromStatistics(sums.Slice(BleuAt, Bleu.StatisticsLength()));
        for (var k = 0; k < 4; k++)
            values[k] = bleu.Corpus[k];
        values[4] = sums[RougeAt] / reports;
        values[5] = sums[CiderAt] / reports;
        values[6] = MeteorScorer.Score(MeteorStatistics.ReadFrom(sums.Slice(MeteorAt, MeteorStatistics.SpanLength)),
                                       MeteorParameters.English, MeteorStatistics.AllModules);
        var at = 7;
        foreach (var value in ClinicalEfficacy.FromCounts(sums.Slice(ClinicalAt, ClinicalEfficacy.CountLength), (int)sums[ClinicalReportsAt], uncertain).ToDictionary().Values)
            values[at++] = value;
        values[at++] = sums[WordsAt] / reports;
        values[at] = sums[RepeatedAt] / reports;
        return values;
    }
}
