using CxrVL.Training.Distributed;

namespace CxrVL.Training;

/// <summary>Where training is: stage, optimizer steps (overall and within the stage), epoch, and the stage's loss weights.</summary>
public sealed record TrainingProgress(
    int Stage,
    string StageName,
    long Step,
    long StageStep,
    long StageSteps,
    int Epoch,
    IReadOnlyDictionary<string, double> LossWeights)
{
    /// <summary>Batch-wide loss terms gather every rank's rows through this (<see cref="GlobalBatch.Local"/> in one process).</summary>
    public GlobalBatch Global { get; init; } = GlobalBatch.Local;
}
