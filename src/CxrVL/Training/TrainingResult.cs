namespace CxrVL.Training;

/// <summary>How a <see cref="Trainer{TBatch}.Fit"/> call ended.</summary>
public sealed record TrainingResult(
    long Steps,
    string StopReason,
    string LastCheckpoint,
    string? BestCheckpoint,
    double? BestMetric,
    IReadOnlyDictionary<string, double> FinalValidation);
