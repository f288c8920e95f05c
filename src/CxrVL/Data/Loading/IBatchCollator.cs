namespace CxrVL.Data.Loading;

/// <summary>
/// Builds one batch from loaded samples (on a worker thread), copying each sample's data once into the batch's
/// tensors. The loader disposes the samples afterwards; the consumer disposes the batch.
/// </summary>
public interface IBatchCollator<in TSample, out TBatch> where TBatch : IDisposable
{
    /// <param name="samples">The batch's good samples in order.</param>
    /// <param name="rows">Their row indices in the source.</param>
    TBatch Collate(IReadOnlyList<TSample> samples, IReadOnlyList<int> rows);
}
