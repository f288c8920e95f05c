namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Metrics of one label of a multi-label problem. Counts are of the samples scored for this label; uncertain and
/// missing labels are counted separately (uncertain ones are scored only under a policy that maps them).
/// <see cref="Auroc"/> is NaN without both classes, <see cref="AveragePrecision"/> NaN without positives.
/// </summary>
public sealed record LabelResult(
    string Name,
    double Auroc,
    double AveragePrecision,
    int Positives,
    int Negatives,
    int Uncertain,
    int Missing)
{
    public bool HasBothClasses => Positives > 0 && Negatives > 0;

    public ConfidenceInterval? AurocInterval { get; init; }

    public ConfidenceInterval? AveragePrecisionInterval { get; init; }

    public RocCurve? Roc { get; init; }

    public PrecisionRecallCurve? PrecisionRecall { get; init; }
}
