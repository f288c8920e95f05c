using CxrVL.Evaluation.Classification;

namespace CxrVL.Tasks.Finetuning;

/// <summary>Result of <see cref="Finetuning.Run"/>: each seed's test evaluation and the headline metrics as mean ± std over seeds.</summary>
public sealed record FinetuneResult(
    FinetuneSplits Splits,
    IReadOnlyList<int> Seeds,
    IReadOnlyList<TaskEvaluation> Evaluations,
    IReadOnlyDictionary<string, MeanStd> Summary)
{
    /// <summary>One line per headline metric: "auroc_macro  0.8120 ± 0.0100 (n=3)".</summary>
    public string Describe() => string.Join(Environment.NewLine, Summary.Select(s => $"{s.Key,-14} {s.Value}"));
}
