using System.ComponentModel.DataAnnotations;

namespace CxrVL.Training.Distributed;

/// <summary>
/// <c>train.distributed:</c> how a run behaves under <c>mpirun -np N</c>, and the batch the released code ran with. The
/// batch size stays the global one: each of N ranks takes <c>batch_size / N</c> samples of every batch. A recipe that
/// states the released batch (<see cref="PerGpuBatch"/> on <see cref="Gpus"/> GPUs) has the batch size and the gradient
/// accumulation derived from it for the ranks at hand (<see cref="ReleasedBatch"/>).
/// </summary>
public sealed class DistributedConfig
{
    /// <summary>BatchNorm statistics over the global batch (SyncBatchNorm) instead of each rank's share; in a recipe that states the released batch, also what the released code did.</summary>
    public bool SyncBatchNorm { get; set; }

    /// <summary>Batch-wide loss terms (InfoNCE negatives, Sinkhorn codes) see every rank's samples, not only the rank's own; in a recipe that states the released batch, also what the released code did.</summary>
    public bool GlobalNegatives { get; set; }

    /// <summary>Gradients are all-reduced in buckets of at most this many megabytes.</summary>
    public double BucketMb { get; set; } = 25;

    /// <summary>The released code's batch on each GPU (with <see cref="Gpus"/>; null: the recipe states none).</summary>
    [Range(1, int.MaxValue)]
    public int? PerGpuBatch { get; set; }

    /// <summary>How many GPUs the released code's batch was spread over (each with its own <see cref="PerGpuBatch"/>).</summary>
    [Range(1, int.MaxValue)]
    public int? Gpus { get; set; }

    /// <summary>
    /// Derive <c>train.batch_size</c> and <c>train.accumulate_grad_batches</c> from the released batch (default); false keeps
    /// them as the recipe sets them, and the log states how the run differs from the released batch.
    /// </summary>
    public bool MatchReleasedBatch { get; set; } = true;
}
