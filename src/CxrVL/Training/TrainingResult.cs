namespace CxrVL.Training;

/// <summary>How a <see cref="Trainer{TBatch}.Fit"/> call ended.</summary>
/// <param name="Steps">Optimizer steps completed; for a diverged run, those before the step that diverged.</param>
/// <param name="LastCheckpoint">The newest checkpoint; null only when a run diverged before it wrote one.</param>
public sealed record TrainingResult(
    long Steps,
    TrainingOutcome Outcome,
    string StopReason,
    string? LastCheckpoint,
    string? BestCheckpoint,
    double? BestMetric,
    IReadOnlyDictionary<string, double> FinalValidation)
{
    /// <summary>Where and how the run diverged, when <see cref="Outcome"/> is <see cref="TrainingOutcome.Diverged"/>.</summary>
    public TrainingDivergence? Divergence { get; init; }
}
