using CxrVL.Data.Loading;
using CxrVL.Imaging;

namespace CxrVL.Tests.Data.Loading;

/// <summary>Counts live batches and loads, so tests can see leaks, the memory bound and stopped workers.</summary>
internal sealed class Tracker
{
    private int _live;
    private int _maxLive;
    private int _loads;

    public int Live => Volatile.Read(ref _live);

    public int MaxLive => Volatile.Read(ref _maxLive);

    public int Loads => Volatile.Read(ref _loads);

    public void Loaded() => Interlocked.Increment(ref _loads);

    public void Created()
    {
        var live = Interlocked.Increment(ref _live);
        int max;
        while (live > (max = Volatile.Read(ref _maxLive)) && Interlocked.CompareExchange(ref _maxLive, live, max) != max)
        {
        }
    }

    public void Disposed() => Interlocked.Decrement(ref _live);
}

internal sealed record FakeSample(int Row, double Draw) : IDisposable
{
    public void Dispose() { }
}

/// <summary>Rows 0..count-1; each sample records one random draw; sleeps a jittered time to scramble worker timing.</summary>
internal sealed class FakeSource(int count, Tracker tracker, ISet<int>? bad = null, int maxDelayMs = 2) : ISampleSource<FakeSample>
{
    private readonly ThreadLocal<Random> _jitter = new(() => new Random(Environment.CurrentManagedThreadId * 7919 + Environment.TickCount));

    public int Count => count;

    public FakeSample Load(int index, TransformRandom random)
    {
        tracker.Loaded();
        if (maxDelayMs > 0)
            Thread.Sleep(_jitter.Value!.Next(maxDelayMs + 1));
        if (bad?.Contains(index) == true)
            throw new BadRowException($"study-{index}", index % 2 == 0 ? BadRowException.MissingImage : BadRowException.EmptyReport, "test row", $"/data/{index}.jpg");
        return new FakeSample(index, random.NextDouble());
    }
}

internal sealed class FakeBatch(IReadOnlyList<FakeSample> samples, Tracker tracker) : IDisposable
{
    private int _disposed;

    public int[] Rows { get; } = samples.Select(s => s.Row).ToArray();

    public double[] Draws { get; } = samples.Select(s => s.Draw).ToArray();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            tracker.Disposed();
    }
}

internal sealed class FakeCollator(Tracker tracker) : IBatchCollator<FakeSample, FakeBatch>
{
    public FakeBatch Collate(IReadOnlyList<FakeSample> samples, IReadOnlyList<int> rows)
    {
        tracker.Created();
        return new FakeBatch(samples, tracker);
    }
}
