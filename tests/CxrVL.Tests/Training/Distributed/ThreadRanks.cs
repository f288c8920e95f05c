using CxrVL.Runtime.Distributed;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training.Distributed;

/// <summary>
/// N ranks as N threads of one process, with collectives over shared memory: an independent implementation of
/// <see cref="IDistributedContext"/>'s contract to test the data-parallel arithmetic without mpirun. Every rank
/// sums the slots in rank order, so all ranks get bit-identical results.
/// </summary>
internal sealed class ThreadRanks
{
    private readonly Barrier _barrier;
    private readonly Tensor?[] _slots;

    private ThreadRanks(int size)
    {
        _barrier = new Barrier(size);
        _slots = new Tensor?[size];
    }

    /// <summary>All ranks meet here; a rank that failed never arrives, and the others give up instead of hanging.</summary>
    private void Wait()
    {
        if (!_barrier.SignalAndWait(TimeSpan.FromMinutes(1)))
            throw new TimeoutException("another rank did not reach the collective");
    }

    /// <summary>Runs <paramref name="body"/> once per rank, each on its own thread, and returns their results in rank order.</summary>
    public static T[] Run<T>(int size, Func<IDistributedContext, T> body)
    {
        var shared = new ThreadRanks(size);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(rank => new Thread(() =>
        {
            try
            {
                results[rank] = body(new ThreadRank(shared, rank, size));
            }
            catch (Exception e)
            {
                errors[rank] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error)
            throw new AggregateException(error);
        return results;
    }

    private sealed class ThreadRank(ThreadRanks shared, int rank, int size) : IDistributedContext
    {
        public int Rank => rank;

        public int WorldSize => size;

        public int LocalRank => rank;

        public int LocalSize => size;

        public void AllReduceSum(Tensor tensor)
        {
            var all = Exchange(tensor);
            using var noGrad = no_grad();
            var sum = all[0].clone();
            foreach (var other in all.Skip(1))
                sum.add_(other);
            tensor.copy_(sum);
            shared.Wait();
        }

        public void Broadcast(Tensor tensor, int root = 0)
        {
            var all = Exchange(tensor);
            using (no_grad())
                tensor.copy_(all[root]);
            shared.Wait();
        }

        public GatheredRows AllGather(Tensor local)
        {
            var all = Exchange(local);
            var gathered = cat(all, 0);
            shared.Wait();
            return new GatheredRows(gathered, all.Take(rank).Sum(t => t.shape[0]), local.shape[0]);
        }

        public void Abort(int exitCode) => throw new InvalidOperationException($"rank {rank} aborted with {exitCode}");

        public void Dispose() { }

        /// <summary>Publishes a copy of this rank's tensor and returns every rank's, once all have published.</summary>
        private Tensor[] Exchange(Tensor tensor)
        {
            shared._slots[rank] = tensor.detach().clone().DetachFromDisposeScope();
            shared.Wait();
            return shared._slots.Select(s => s!).ToArray();
        }
    }
}
