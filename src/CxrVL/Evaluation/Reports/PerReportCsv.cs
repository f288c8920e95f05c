using System.Globalization;
using System.Text;
using CxrVL.Evaluation.Labeling;
using CxrVL.Runs;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// Per-report scores as a long CSV (one row per report and system: <c>id,system,BLEU_1..BLEU_4,ROUGE_L,CIDEr,
/// CE_TP,CE_FP,CE_FN,WORDS,REPEATED_SENTENCES</c>), ready for a pivot or a paired test of one's own.
/// </summary>
public static class PerReportCsv
{
    public static void Write(string path, IReadOnlyList<(string System, ReportStatistics Statistics)> systems)
    {
        var text = new StringBuilder("id,system,BLEU_1,BLEU_2,BLEU_3,BLEU_4,ROUGE_L,CIDEr,CE_TP,CE_FP,CE_FN,WORDS,REPEATED_SENTENCES\n");
        foreach (var (system, statistics) in systems)
        {
            for (var i = 0; i < statistics.Count; i++)
            {
                var r = statistics.PerReport(i);
                text.Append(CsvText.Quote(r.Id)).Append(',').Append(CsvText.Quote(system));
                foreach (var value in r.Bleu.Append(r.RougeL).Append(r.Cider))
                    text.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
                text.Append(CultureInfo.InvariantCulture, $",{r.CeTruePositives},{r.CeFalsePositives},{r.CeFalseNegatives},{r.Words},{r.RepeatedSentences}\n");
            }
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
