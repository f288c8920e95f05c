namespace CxrVL.Serving;

/// <summary>
/// Bounded concurrency with a bounded queue: up to <c>maxConcurrent</c> holders at once, up to <c>queueLength</c> waiting
/// for a slot, and anyone beyond that turned away at once (the service answers 503 with Retry-After) rather than
/// queued without limit.
/// </summary>
public sealed class RequestGate(int maxConcurrent, int queueLength) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, maxConcurrent), Math.Max(1, maxConcurrent));
    private int _waiting;

    public int InFlight => Math.Max(1, maxConcurrent) - _slots.CurrentCount;

    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A slot to dispose when done, or null when every slot is taken and the queue is full.</summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellation)
    {
        if (_slots.Wait(0, CancellationToken.None))
            return new Slot(_slots);
        if (Interlocked.Increment(ref _waiting) > queueLength)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }
        try
        {
            await _slots.WaitAsync(cancellation);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release();
        }
    }
}
