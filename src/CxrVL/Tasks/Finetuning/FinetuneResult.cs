using CxrVL.Evaluation.Classification;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Result of <see cref="Finetuning.Run"/>: each converged seed's test evaluation, the seeds whose training diverged, and
/// the headline metrics as mean ± std over seeds. When any seed diverged the summary is empty: a mean over the seeds that
/// happened to converge would hide that the recipe diverges.
/// </summary>
public sealed record FinetuneResult(
    FinetuneSplits Splits,
    IReadOnlyList<int> Seeds,
    IReadOnlyList<TaskEvaluation> Evaluations,
    IReadOnlyDictionary<string, MeanStd> Summary)
{
    public IReadOnlyList<SeedDivergence> Divergences { get; init; } = [];

    /// <summary>The step at which the first diverged seed diverged; null when every seed converged.</summary>
    public long? DivergedAt => Divergences.Count > 0 ? Divergences[0].Divergence.Step : null;

    /// <summary>One line per headline metric ("auroc_macro  0.8120 ± 0.0100 (n=3)"), or one per diverged seed ("diverged at step 12 (seed 0)").</summary>
    public string Describe() =>
        Divergences.Count > 0
            ? string.Join(Environment.NewLine, Divergences.Select(d => d.Describe()))
            : string.Join(Environment.NewLine, Summary.Select(s => $"{s.Key,-14} {s.Value}"));
}
