using CxrVL.Data.Builders;

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

    /// <summary>Uncertain (-1) labels: <see cref="UncertainPolicy.Ignore"/> leaves them out of that label's metrics; Ones / Zeros count them positive / negative.</summary>
    public UncertainPolicy Uncertain { get; init; } = UncertainPolicy.Ignore;

    public bool KeepCurves { get; init; }

    /// <summary>One id per sample (a study id, a file's row), so an error names the sample instead of its position.</summary>
    public IReadOnlyList<string>? SampleIds { get; init; }
}
