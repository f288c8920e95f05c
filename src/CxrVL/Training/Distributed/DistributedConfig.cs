namespace CxrVL.Training.Distributed;

/// <summary>
/// <c>train.distributed:</c> how a run behaves under <c>mpirun -np N</c> (ignored by a single process). The batch
/// size stays the global one: each of N ranks takes <c>batch_size / N</c> samples of every batch.
/// </summary>
public sealed class DistributedConfig
{
    /// <summary>BatchNorm statistics over the global batch (SyncBatchNorm) instead of each rank's share.</summary>
    public bool SyncBatchNorm { get; set; }

    /// <summary>Batch-wide loss terms (InfoNCE negatives, Sinkhorn codes) see every rank's samples, not only the rank's own.</summary>
    public bool GlobalNegatives { get; set; }

    /// <summary>Gradients are all-reduced in buckets of at most this many megabytes.</summary>
    public double BucketMb { get; set; } = 25;
}
