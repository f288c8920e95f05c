namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Options of <see cref="MultiLabelEvaluator"/>: bootstrap resamples (0: no intervals), their seed and level,
/// how uncertain labels count, and whether to keep the ROC and PR curves of every label.
/// </summary>
public sealed record MultiLabelOptions
{
    public int BootstrapResamples { get; init; }

    public int Seed { get; init; }

    public double ConfidenceLevel { get; init; } = 0.95;

    public UncertainPolicy Uncertain { get; init; } = UncertainPolicy.Exclude;

    public bool KeepCurves { get; init; }
}
