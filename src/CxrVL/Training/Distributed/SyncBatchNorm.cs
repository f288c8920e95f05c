using TorchSharp.Modules;
using static TorchSharp.torch;

using CxrVL.Runtime.Distributed;
namespace CxrVL.Training.Distributed;

/// <summary>
/// SyncBatchNorm for every BatchNorm of a model, without replacing modules: in training mode a forward hook
/// recomputes the layer's output with the mean and variance of the global batch (two all-reduces: the sums, then the
/// squared deviations from the global mean, as two passes over one batch would; in float64) and updates the running statistics
/// with them, so running statistics are identical on all ranks and equal a single process's. The gradient flows
/// through the statistics to every rank (<see cref="AllReduceSumFunction"/>). Modules must be invoked with
/// <c>call</c> (Sequential does; ResNet does), which runs hooks.
/// </summary>
public sealed class SyncBatchNorm : IDisposable
{
    private readonly List<Action> _removers = [];

    public SyncBatchNorm(nn.Module model, IDistributedContext context)
    {
        foreach (var module in model.modules().Prepend(model).Distinct().OfType<BatchNorm>())
        {
            // The layer's own forward has already moved the running statistics by the local batch; the hook restores
            // them from this copy before applying the global batch's statistics.
            Tensor? saved = null;
            var pre = module.register_forward_pre_hook((m, input) =>
            {
                saved?.Dispose();
                saved = m.training && module.running_mean is not null
                    ? cat([module.running_mean, module.running_var!]).detach().clone().DetachFromDisposeScope()
                    : null;
                return input;
            });
            var post = module.register_forward_hook((m, input, output) =>
            {
                if (!m.training)
                    return output;
                var synchronised = Normalise(module, input, context, saved);
                output.Dispose();
                return synchronised;
            });
            _removers.Add(pre.remove);
            _removers.Add(post.remove);
        }
        Layers = _removers.Count / 2;
    }

    /// <summary>BatchNorm layers synchronised.</summary>
    public int Layers { get; }

    public void Dispose()
    {
        foreach (var remove in _removers)
            remove();
        _removers.Clear();
    }

    private static Tensor Normalise(BatchNorm module, Tensor input, IDistributedContext context, Tensor? saved)
    {
        using var scope = NewDisposeScope();
        var channels = input.shape[1];
        long[] reduce = [0, .. Enumerable.Range(2, (int)input.dim() - 2).Select(d => (long)d)];
        long[] perChannel = [1, channels, .. Enumerable.Repeat(1L, (int)input.dim() - 2)];
        var localCount = input.numel() / channels;

        // Statistics and normalisation in float64: the gradient through the statistics cancels large terms, and float32
        // rounding there would make ranks drift from a single process by far more than the float32 resolution.
        var x = input.to(ScalarType.Float64);
        var sums = AllReduceSumFunction.Apply(cat([x.sum(reduce), full([1], localCount, ScalarType.Float64, input.device)]), context);
        var count = sums[channels].item<double>();
        var mean = sums.narrow(0, 0, channels) / count;
        var centred = x - mean.view(perChannel);
        var variance = AllReduceSumFunction.Apply(centred.square().sum(reduce), context) / count;
        var normalised = centred * (variance + module.eps).rsqrt().view(perChannel);
        var output = normalised.to(input.dtype);
        if (module.weight is not null)
            output = output * module.weight.view(perChannel) + module.bias!.view(perChannel);

        if (saved is not null)
        {
            using var noGrad = no_grad();
            // torch's rule: the momentum, or a cumulative average (1 / batches seen) when momentum is null.
            var factor = module.momentum ?? 1.0 / module.num_batches_tracked!.item<long>();
            module.running_mean!.copy_(saved.narrow(0, 0, channels).lerp(mean.detach().to(saved.dtype), factor));
            var unbiased = (variance.detach() * (count / Math.Max(1, count - 1))).to(saved.dtype);
            module.running_var!.copy_(saved.narrow(0, channels, channels).lerp(unbiased, factor));
        }
        return output.MoveToOuterDisposeScope();
    }
}
