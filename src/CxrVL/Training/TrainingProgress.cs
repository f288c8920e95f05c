namespace CxrVL.Training;

/// <summary>Where training is: stage, optimizer steps (overall and within the stage), epoch, and the stage's loss weights.</summary>
public sealed record TrainingProgress(
    int Stage,
    string StageName,
    long Step,
    long StageStep,
    long StageSteps,
    int Epoch,
    IReadOnlyDictionary<string, double> LossWeights);
