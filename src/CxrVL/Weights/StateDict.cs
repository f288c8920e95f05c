using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>
/// An ordered map from parameter name to tensor, the unit checkpoints are read into and written from. It owns its
/// tensors and disposes them, unless it was made with <see cref="Borrow"/> over tensors that belong to someone else
/// (a module's parameters).
/// </summary>
public sealed class StateDict : IReadOnlyList<KeyValuePair<string, Tensor>>, IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly bool _ownsTensors;
    private bool _disposed;

    public StateDict() : this(ownsTensors: true) { }

    private StateDict(bool ownsTensors) => _ownsTensors = ownsTensors;

    /// <summary>Free-form string metadata (the safetensors <c>__metadata__</c> block).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Select(entry => entry.Key);

    public KeyValuePair<string, Tensor> this[int index] => _entries[index];

    public Tensor this[string name] =>
        _index.TryGetValue(name, out var i) ? _entries[i].Value
            : throw new CxrVLException($"the state dict has no tensor '{name}'.");

    public bool ContainsKey(string name) => _index.ContainsKey(name);

    public bool TryGetValue(string name, out Tensor tensor)
    {
        if (_index.TryGetValue(name, out var i))
        {
            tensor = _entries[i].Value;
            return true;
        }
        tensor = null!;
        return false;
    }

    /// <summary>
    /// Adds a tensor, which the state dict now owns (unless borrowed): it leaves any dispose scope it was made in, so
    /// the state dict outlives the scope. A repeated name is an error.
    /// </summary>
    public void Add(string name, Tensor tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_index.TryAdd(name, _entries.Count))
            throw new CxrVLException($"the state dict already has a tensor named '{name}'.");
        if (_ownsTensors)
            tensor.DetachFromDisposeScope();
        _entries.Add(new(name, tensor));
    }

    /// <summary>Total number of elements over all tensors.</summary>
    public long NumberOfElements => _entries.Sum(entry => entry.Value.numel());

    /// <summary>A state dict over a module's own parameters and buffers (names as in <c>state_dict()</c>); disposing it leaves them alone.</summary>
    public static StateDict Borrow(nn.Module module)
    {
        var result = new StateDict(ownsTensors: false);
        foreach (var (name, tensor) in module.state_dict())
            result.Add(name, tensor);
        return result;
    }

    /// <summary>A state dict over tensors owned elsewhere; disposing it leaves them alone.</summary>
    public static StateDict Borrow(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var result = new StateDict(ownsTensors: false);
        foreach (var (name, tensor) in tensors)
            result.Add(name, tensor);
        return result;
    }

    /// <summary>
    /// Moves the tensors into a new state dict with renamed keys (a key mapped to null is dropped and disposed).
    /// This state dict is empty afterwards.
    /// </summary>
    public StateDict Rename(Func<string, string?> rename)
    {
        var renamed = _entries.Select(entry => rename(entry.Key)).ToList();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < renamed.Count; i++)
            if (renamed[i] is { } target && !seen.TryAdd(target, _entries[i].Key))
                throw new CxrVLException(
                    $"the key map renames both '{seen[target]}' and '{_entries[i].Key}' to '{target}'; adjust the rules so names stay unique.");

        var result = new StateDict(_ownsTensors);
        foreach (var (key, value) in Metadata)
            result.Metadata[key] = value;
        for (var i = 0; i < renamed.Count; i++)
        {
            if (renamed[i] is { } target)
                result.Add(target, _entries[i].Value);
            else if (_ownsTensors)
                _entries[i].Value.Dispose();
        }
        _entries.Clear();
        _index.Clear();
        return result;
    }

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_ownsTensors)
            foreach (var (_, tensor) in _entries)
                tensor.Dispose();
        _entries.Clear();
        _index.Clear();
    }
}
