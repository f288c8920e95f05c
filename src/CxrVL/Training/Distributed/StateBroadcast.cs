using static TorchSharp.torch;

using CxrVL.Runtime.Distributed;
namespace CxrVL.Training.Distributed;

/// <summary>Copies rank 0's tensors to every rank: one broadcast per dtype of the flattened tensors.</summary>
public static class StateBroadcast
{
    /// <summary>Parameters and buffers: every rank starts from rank 0's model (as DDP does when it wraps a model).</summary>
    public static void Model(nn.Module model, IDistributedContext context) =>
        Tensors(model.parameters().Select(p => (Tensor)p).Concat(model.buffers()).ToList(), context);

    /// <summary>Buffers only (BatchNorm running statistics of local batches, counters): rank 0's are authoritative.</summary>
    public static void Buffers(nn.Module model, IDistributedContext context) => Tensors(model.buffers().ToList(), context);

    public static void Tensors(IReadOnlyList<Tensor> tensors, IDistributedContext context)
    {
        if (context.WorldSize == 1 || tensors.Count == 0)
            return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var group in tensors.GroupBy(t => (t.dtype, t.device_type, t.device_index)))
        {
            var members = group.ToList();
            var flat = cat(members.Select(t => t.detach().reshape(-1)).ToList());
            context.Broadcast(flat);
            var offset = 0L;
            foreach (var member in members)
            {
                member.copy_(flat.narrow(0, offset, member.numel()).view_as(member));
                offset += member.numel();
            }
        }
    }
}
