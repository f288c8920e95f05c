namespace CxrVL.Training;

/// <summary>
/// Walks a <see cref="IBatchSource{TBatch}"/> epoch after epoch from a saved position, and knows the position of the
/// next batch, which is what a checkpoint records.
/// </summary>
internal sealed class BatchCursor<TBatch>(IBatchSource<TBatch> source, int epoch, int batchInEpoch) : IDisposable
    where TBatch : IDisposable
{
    private IEnumerator<TBatch>? _current;

    public int Epoch { get; private set; } = epoch;

    public int BatchInEpoch { get; private set; } = batchInEpoch;

    public TBatch Next()
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (BatchInEpoch >= source.BatchesPerEpoch)
                StartNextEpoch();
            _current ??= source.Epoch(Epoch, BatchInEpoch).GetEnumerator();
            if (_current.MoveNext())
            {
                BatchInEpoch++;
                return _current.Current;
            }
            StartNextEpoch();
        }
        throw new CxrVLException($"epoch {Epoch} of the training data yielded no batch.");
    }

    public void Dispose() => _current?.Dispose();

    private void StartNextEpoch()
    {
        _current?.Dispose();
        _current = null;
        Epoch++;
        BatchInEpoch = 0;
    }
}
