using static TorchSharp.torch;

namespace CxrVL.Training;

/// <summary>
/// A reusable copy of a model's buffers (BatchNorm statistics, queues). The forward pass of a batch that
/// <c>train.nonfinite: skip</c> drops may already have written NaN into them; they are put back as they were before it.
/// </summary>
internal sealed class BufferSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> _copies = new(StringComparer.Ordinal);

    public BufferSnapshot(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (name, buffer) in model.named_buffers())
            _copies[name] = buffer.detach().clone().DetachFromDisposeScope();
    }

    /// <summary>Copies the live buffers in (before each batch); no allocation.</summary>
    public void Capture(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (name, buffer) in model.named_buffers())
            _copies[name].copy_(buffer);
    }

    public void Restore(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (name, buffer) in model.named_buffers())
            buffer.copy_(_copies[name]);
    }

    public void Dispose()
    {
        foreach (var copy in _copies.Values)
            copy.Dispose();
        _copies.Clear();
    }
}
