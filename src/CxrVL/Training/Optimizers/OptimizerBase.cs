using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>State bookkeeping shared by the optimizers: per-parameter named tensors created on first use.</summary>
public abstract class OptimizerBase(IReadOnlyList<ParameterGroup> groups) : IOptimizer
{
    private readonly Dictionary<string, Tensor> _state = new(StringComparer.Ordinal);

    public IReadOnlyList<ParameterGroup> Groups { get; } = groups;

    public void ZeroGrad()
    {
        foreach (var group in Groups)
            foreach (var (_, parameter) in group.Parameters)
                parameter.grad?.zero_();
    }

    public virtual void AllocateState()
    {
    }

    public virtual void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var group in Groups)
        {
            var updates = new List<(string Name, Tensor Parameter, Tensor Gradient)>();
            foreach (var (name, parameter) in group.Parameters)
            {
                if (parameter.grad is { } gradient)
                    updates.Add((name, parameter, gradient));
            }
            UpdateGroup(group, updates);
        }
    }

    public IReadOnlyDictionary<string, Tensor> State() => _state;

    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        var known = Groups.SelectMany(g => g.Parameters).ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        foreach (var (key, saved) in state)
        {
            var separator = key.LastIndexOf('.');
            var parameterName = separator > 0 ? key[..separator] : key;
            if (!known.TryGetValue(parameterName, out var parameter))
                throw new CxrVLException($"optimizer state '{key}' belongs to no trained parameter of this model.");
            using var noGrad = no_grad();
            var shape = StateShape(key[(separator + 1)..], parameter);
            var slot = shape.SequenceEqual(parameter.shape) && saved.dtype == parameter.dtype
                ? StateLike(key, parameter)
                : StateTensor(key, shape, saved.dtype, parameter.device);
            if (!slot.shape.SequenceEqual(saved.shape))
                throw new CxrVLException($"optimizer state '{key}' has shape [{string.Join(", ", saved.shape)}], expected [{string.Join(", ", slot.shape)}].");
            slot.copy_(saved);
        }
    }

    public void Dispose()
    {
        foreach (var tensor in _state.Values)
            tensor.Dispose();
        _state.Clear();
    }

    protected abstract void Update(ParameterGroup group, string name, Tensor parameter, Tensor gradient);

    /// <summary>Updates the parameters of one group that have gradients; one at a time unless an optimizer fuses them.</summary>
    protected virtual void UpdateGroup(ParameterGroup group, IReadOnlyList<(string Name, Tensor Parameter, Tensor Gradient)> updates)
    {
        foreach (var (name, parameter, gradient) in updates)
            Update(group, name, parameter, gradient);
    }

    /// <summary>Shape of a state entry: scalars for counters, the parameter's shape otherwise.</summary>
    protected virtual long[] StateShape(string stateName, Tensor parameter) => parameter.shape;

    /// <summary>The state tensor <paramref name="key"/>, created as zeros (outside any dispose scope) on first use.</summary>
    protected Tensor StateTensor(string key, long[] shape, ScalarType dtype, Device device)
    {
        if (_state.TryGetValue(key, out var tensor))
            return tensor;
        tensor = zeros(shape, dtype, device).DetachFromDisposeScope();
        _state[key] = tensor;
        return tensor;
    }

    /// <summary>
    /// The state tensor <paramref name="key"/> shaped like <paramref name="parameter"/>, created as zeros in its memory
    /// layout (channels-last weights get channels-last state, so the element-wise updates stay contiguous).
    /// </summary>
    protected Tensor StateLike(string key, Tensor parameter)
    {
        if (_state.TryGetValue(key, out var tensor))
            return tensor;
        using (no_grad())
            tensor = zeros_like(parameter).DetachFromDisposeScope();
        _state[key] = tensor;
        return tensor;
    }

    protected bool HasState(string key) => _state.ContainsKey(key);
}
