using System.Runtime.ExceptionServices;

namespace CxrVL.Data.Builders;

/// <summary>
/// Maps 0..count-1 on all cores in batches, in order: batch k+1 is made while the caller consumes batch k, so a
/// builder's per-study work (file reads, parsing) overlaps with writing the manifest and memory holds two batches.
/// The first exception of a batch is rethrown as itself when its batch is reached.
/// </summary>
public static class ParallelBatches
{
    public const int DefaultSize = 512;

    public static IEnumerable<TResult[]> Map<TResult>(int count, Func<int, TResult> map, int size = DefaultSize)
    {
        Task<TResult[]> Start(int first) => Task.Run(() =>
        {
            var results = new TResult[Math.Min(size, count - first)];
            try
            {
                Parallel.For(0, results.Length, i => results[i] = map(first + i));
            }
            catch (AggregateException e)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            return results;
        });

        var next = count > 0 ? Start(0) : null;
        for (var first = 0; next is not null; first += size)
        {
            var batch = next.GetAwaiter().GetResult();
            next = first + size < count ? Start(first + size) : null;
            yield return batch;
        }
    }
}
