using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CxrVL.Imaging;

namespace CxrVL.Data.Loading;

/// <summary>
/// A parallel, prefetching batch loader. Each epoch's order is a permutation drawn from (seed, epoch); batch k holds
/// the rows at positions [k*B, (k+1)*B) of it, less the bad rows when skipping, and every sample's randomness comes
/// from (seed, epoch, row). So batches are the same for any worker count or timing. Workers take batch numbers from
/// a channel, at most <see cref="LoaderOptions.Prefetch"/> ahead of the consumer, and batches are yielded in order.
/// Breaking out of the loop, cancelling, or a failing row stops the workers and disposes every batch not handed out.
/// </summary>
public sealed class BatchLoader<TSample, TBatch> where TSample : IDisposable where TBatch : class, IDisposable
{
    private readonly ISampleSource<TSample> _source;
    private readonly IBatchCollator<TSample, TBatch> _collator;

    /// <param name="shard">This rank's slice of every batch in a data-parallel job; by default the whole batch.</param>
    public BatchLoader(ISampleSource<TSample> source, IBatchCollator<TSample, TBatch> collator, LoaderOptions options, DataShard? shard = null)
    {
        options.Validate();
        _source = source;
        _collator = collator;
        Options = options;
        Shard = shard ?? DataShard.Whole;
    }

    public LoaderOptions Options { get; }

    public DataShard Shard { get; }

    public LoaderStats Stats { get; } = new();

    public int BatchesPerEpoch => Options.DropLast
        ? _source.Count / Options.BatchSize
        : (_source.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The order rows are read in during <paramref name="epoch"/> (Fisher-Yates over a SplitMix64 stream).</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, _source.Count).ToArray();
        if (!Options.Shuffle)
            return order;
        TransformRandom.For(Options.Seed, epoch, -1).Shuffle<int>(order);
        return order;
    }

    /// <summary>Synchronous form for training loops; disposing the enumerator (leaving a foreach) stops the workers.</summary>
    public IEnumerable<TBatch> ReadEpoch(int epoch, CancellationToken cancellation = default) => ReadEpoch(epoch, 0, cancellation);

    /// <summary>
    /// The epoch from batch <paramref name="firstBatch"/> on: the earlier batches are neither read nor decoded (a resumed
    /// run), and the later ones are the same as in a full epoch, since batch k depends only on (seed, epoch, k).
    /// </summary>
    public IEnumerable<TBatch> ReadEpoch(int epoch, int firstBatch, CancellationToken cancellation = default) =>
        ReadEpochAsync(epoch, firstBatch, cancellation).ToBlockingEnumerable(cancellation);

    public IAsyncEnumerable<TBatch> ReadEpochAsync(int epoch, CancellationToken cancellation = default) =>
        ReadEpochAsync(epoch, 0, cancellation);

    public async IAsyncEnumerable<TBatch> ReadEpochAsync(int epoch, int firstBatch, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var order = Order(epoch);
        var count = BatchesPerEpoch;
        if (firstBatch < 0 || firstBatch > count)
            throw new ArgumentOutOfRangeException(nameof(firstBatch), firstBatch, $"an epoch has {count} batches");
        var results = new TaskCompletionSource<TBatch?>[count];
        for (var k = firstBatch; k < count; k++)
            results[k] = new TaskCompletionSource<TBatch?>(TaskCreationOptions.RunContinuationsAsynchronously);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var budget = new SemaphoreSlim(Options.Prefetch);
        var work = Channel.CreateBounded<int>(new BoundedChannelOptions(Options.Prefetch) { SingleWriter = true });
        var producer = Task.Run(() => Produce(firstBatch, count, work.Writer, budget, stop.Token), CancellationToken.None);
        var workers = Enumerable.Range(0, Options.Workers)
            .Select(i => StartWorker(i, () => Work(order, epoch, work.Reader, results, stop.Token)))
            .ToArray();
        var handedOut = firstBatch - 1;
        try
        {
            for (var k = firstBatch; k < count; k++)
            {
                var batch = await results[k].Task.WaitAsync(cancellation).ConfigureAwait(false);
                handedOut = k;
                budget.Release();
                if (batch is not null)
                    yield return batch;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            work.Writer.TryComplete();
            await Task.WhenAll([producer, .. workers]).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            // Batches built ahead but never handed out belong to nobody else.
            for (var k = handedOut + 1; k < count; k++)
            {
                if (results[k].Task.IsCompletedSuccessfully)
                    results[k].Task.Result?.Dispose();
            }
        }
    }

    private static async Task Produce(int first, int count, ChannelWriter<int> writer, SemaphoreSlim budget, CancellationToken stop)
    {
        try
        {
            for (var k = first; k < count; k++)
            {
                await budget.WaitAsync(stop).ConfigureAwait(false);
                await writer.WriteAsync(k, stop).ConfigureAwait(false);
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>
    /// Workers are dedicated threads, not pool tasks: native allocations (batch tensors, OpenCV buffers) then come from
    /// as many malloc arenas as there are workers, each reusing what it freed, so resident memory stays flat instead
    /// of spreading over one arena per pool thread the work happened to hop to.
    /// </summary>
    private static Task StartWorker(int index, Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"cxrvl-loader-{index}",
        };
        thread.Start();
        return done.Task;
    }

    private void Work(int[] order, int epoch, ChannelReader<int> reader, TaskCompletionSource<TBatch?>[] results, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = reader.WaitToReadAsync(stop).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!more)
                return;
            while (reader.TryRead(out var k))
            {
                try
                {
                    results[k].TrySetResult(Build(order, epoch, k, stop));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    results[k].TrySetCanceled(stop);
                }
                catch (Exception e)
                {
                    results[k].TrySetException(e);
                }
            }
        }
    }

    private TBatch? Build(int[] order, int epoch, int batch, CancellationToken stop)
    {
        var (first, last) = Shard.Slice(batch * Options.BatchSize, Math.Min((batch + 1) * Options.BatchSize, order.Length));
        var samples = new List<TSample>(last - first);
        var rows = new List<int>(last - first);
        try
        {
            for (var position = first; position < last; position++)
            {
                stop.ThrowIfCancellationRequested();
                var row = order[position];
                try
                {
                    samples.Add(_source.Load(row, TransformRandom.For(Options.Seed, epoch, row)));
                    rows.Add(row);
                }
                catch (BadRowException e) when (Options.SkipBad)
                {
                    Stats.Skipped(e);
                }
                catch (BadRowException e)
                {
                    throw e.WithSkipSwitch(Options.SkipBadSwitch);
                }
            }
            if (samples.Count == 0)
                return null;
            var result = _collator.Collate(samples, rows);
            Stats.Loaded(samples.Count);
            return result;
        }
        finally
        {
            foreach (var sample in samples)
                sample.Dispose();
        }
    }
}
