using CxrVL.Precision;

namespace CxrVL.Training;

/// <summary>Where a run stands, saved with every checkpoint (<c>trainer.json</c>) so that a resume continues exactly.</summary>
public sealed record TrainerState
{
    public long Step { get; init; }

    public int Stage { get; init; }

    public long StageStep { get; init; }

    /// <summary>Position of the next batch: epoch and index within it.</summary>
    public int Epoch { get; init; }

    public int BatchInEpoch { get; init; }

    public double? Best { get; init; }

    public int EvaluationsWithoutImprovement { get; init; }

    /// <summary>Validations so far, which early stopping's minimum (<c>train.min_validations</c>) counts.</summary>
    public int Validations { get; init; }

    /// <summary>Batches dropped so far under <c>train.nonfinite: skip</c>, which <c>train.max_nonfinite_skips</c> limits.</summary>
    public int NonfiniteSkipped { get; init; }

    /// <summary>fp16-mixed's loss scale, its run of good steps and its skipped steps; null in the other precisions.</summary>
    public GradScalerState? GradScaler { get; init; }

    public double ElapsedSeconds { get; init; }

    /// <summary>torch's CPU generator state, base64.</summary>
    public string? TorchRngState { get; init; }

    /// <summary>The run's seed; a resume with another seed would not reproduce the data order.</summary>
    public int Seed { get; init; }
}
