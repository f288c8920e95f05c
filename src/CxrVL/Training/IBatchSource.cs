namespace CxrVL.Training;

/// <summary>
/// Batches of one epoch, in an order that depends only on the seed and the epoch, so a resumed run can start at
/// batch <c>startBatch</c> of an epoch and see exactly what the interrupted run would have seen.
/// </summary>
public interface IBatchSource<out TBatch> where TBatch : IDisposable
{
    int BatchesPerEpoch { get; }

    /// <summary>Samples in one batch (for throughput and the MAE learning-rate rule).</summary>
    int BatchSize { get; }

    IEnumerable<TBatch> Epoch(int epoch, int startBatch = 0);
}
