using static TorchSharp.torch;

namespace CxrVL.Training;

/// <summary>
/// Exponential moving average of a model's parameters and floating buffers (shadow = d shadow + (1 - d) value after
/// every optimizer step); other buffers (counters) are copied, so <see cref="State"/> is a complete state dict.
/// <see cref="CopyTo"/> puts the averaged weights into a model for evaluation or export.
/// </summary>
public sealed class WeightAverage : IDisposable
{
    private readonly Dictionary<string, Tensor> _shadow = new(StringComparer.Ordinal);

    public WeightAverage(nn.Module model, double decay)
    {
        if (decay is <= 0 or >= 1)
            throw new CxrVLException($"ema decay must lie strictly between 0 and 1 (got {decay}).");
        Decay = decay;
        using var noGrad = no_grad();
        foreach (var (name, tensor) in Tracked(model))
            _shadow[name] = tensor.detach().clone().DetachFromDisposeScope();
    }

    public double Decay { get; }

    public IReadOnlyDictionary<string, Tensor> State => _shadow;

    public void Update(nn.Module model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in Tracked(model))
        {
            if (tensor.is_floating_point())
                _shadow[name].lerp_(tensor, 1 - Decay);
            else
                _shadow[name].copy_(tensor);
        }
    }

    public void CopyTo(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in Tracked(model))
            tensor.copy_(_shadow[name]);
    }

    public void Dispose()
    {
        foreach (var tensor in _shadow.Values)
            tensor.Dispose();
        _shadow.Clear();
    }

    private static IEnumerable<(string Name, Tensor Tensor)> Tracked(nn.Module model) =>
        model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(model.named_buffers().Select(b => (b.name, b.buffer)));
}
