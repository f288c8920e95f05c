namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Per-label metrics and their macro averages. Both macro averages run over the labels that have both classes;
/// the labels left out are listed in <see cref="LabelsWithoutBothClasses"/>. The macro intervals come from the
/// same resamples as the per-label ones; a resample in which any averaged label has one class only is skipped.
/// </summary>
public sealed record MultiLabelResult(
    int Samples,
    IReadOnlyList<LabelResult> Labels,
    double MacroAuroc,
    double MacroAveragePrecision,
    IReadOnlyList<string> LabelsWithoutBothClasses)
{
    public ConfidenceInterval? MacroAurocInterval { get; init; }

    public ConfidenceInterval? MacroAveragePrecisionInterval { get; init; }

    public int BootstrapResamples { get; init; }

    public int BootstrapSeed { get; init; }
}
