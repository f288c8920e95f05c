using static TorchSharp.torch;

namespace CxrVL.Training;

/// <summary>A copy of a model's parameters and buffers, to put back after evaluating other weights in it.</summary>
internal sealed class ModelSnapshot : IDisposable
{
    private readonly List<(string Name, Tensor Copy)> _copies;

    public ModelSnapshot(nn.Module model)
    {
        using var noGrad = no_grad();
        _copies = model.state_dict().Select(e => (e.Key, e.Value.detach().clone().DetachFromDisposeScope())).ToList();
    }

    public void Restore(nn.Module model)
    {
        using var noGrad = no_grad();
        var live = model.state_dict();
        foreach (var (name, copy) in _copies)
            live[name].copy_(copy);
    }

    public void Dispose()
    {
        foreach (var (_, copy) in _copies)
            copy.Dispose();
    }
}
