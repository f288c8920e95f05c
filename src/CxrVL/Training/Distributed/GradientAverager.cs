using System.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

using CxrVL.Runtime.Distributed;
namespace CxrVL.Training.Distributed;

/// <summary>
/// Averages gradients over ranks after the backward pass: gradients are flattened into buckets of at most
/// <c>bucketMb</c> (last layers first, as their gradients are ready first), each bucket is summed with one all-reduce
/// and divided by the number of ranks, and copied back. TorchSharp 0.107 has no per-tensor gradient hooks
/// (<c>Tensor.register_hook</c>) and no module backward hooks, so the reduction cannot start while backward runs.
/// </summary>
public sealed class GradientAverager(IDistributedContext context, double bucketMb = 25)
{
    private readonly long _bucketBytes = Math.Max(1, (long)(bucketMb * 1024 * 1024));

    /// <summary>Wall time of the last <see cref="Average"/> call, communication and copies included.</summary>
    public TimeSpan LastDuration { get; private set; }

    public void Average(IEnumerable<Parameter> parameters)
    {
        if (context.WorldSize == 1)
            return;
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var gradients = parameters.Select(p => p.grad).OfType<Tensor>().Reverse().ToList();
        CheckSameLayout(gradients);
        foreach (var bucket in Buckets(gradients))
        {
            var flat = cat(bucket.Select(g => g.reshape(-1)).ToList());
            context.AllReduceSum(flat);
            flat.div_(context.WorldSize);
            var offset = 0L;
            foreach (var gradient in bucket)
            {
                gradient.copy_(flat.narrow(0, offset, gradient.numel()).view_as(gradient));
                offset += gradient.numel();
            }
        }
        LastDuration = clock.Elapsed;
    }

    /// <summary>Every rank must reduce the same gradients in the same layout, or the sums would mix unrelated tensors.</summary>
    private void CheckSameLayout(IReadOnlyList<Tensor> gradients)
    {
        var elements = gradients.Sum(g => g.numel());
        using var total = tensor(new[] { elements, gradients.Count }, ScalarType.Int64);
        context.AllReduceSum(total);
        var sums = total.data<long>().ToArray();
        if (sums[0] != elements * context.WorldSize || sums[1] != (long)gradients.Count * context.WorldSize)
            throw new CxrVLException($"rank {context.Rank} has gradients for {gradients.Count} tensors ({elements} values) but the ranks " +
                                     "disagree: every rank must run the same model and loss terms (same config on every rank).");
    }

    private IEnumerable<List<Tensor>> Buckets(IReadOnlyList<Tensor> gradients)
    {
        var bucket = new List<Tensor>();
        var bytes = 0L;
        foreach (var gradient in gradients)
        {
            var size = gradient.numel() * gradient.ElementSize;
            var compatible = bucket.Count == 0 || (bucket[0].dtype == gradient.dtype && bucket[0].device == gradient.device);
            if (bucket.Count > 0 && (!compatible || bytes + size > _bucketBytes))
            {
                yield return bucket;
                bucket = [];
                bytes = 0;
            }
            bucket.Add(gradient);
            bytes += size;
        }
        if (bucket.Count > 0)
            yield return bucket;
    }
}
