using static TorchSharp.torch;

namespace CxrVL.Runtime.Distributed;

/// <summary>A job of one rank: every collective is the identity.</summary>
public sealed class SingleProcess : IDistributedContext
{
    public static SingleProcess Instance { get; } = new();

    public int Rank => 0;

    public int WorldSize => 1;

    public int LocalRank => 0;

    public int LocalSize => 1;

    public void AllReduceSum(Tensor tensor) { }

    public void Broadcast(Tensor tensor, int root = 0) { }

    public GatheredRows AllGather(Tensor local) => new(local.detach(), 0, local.shape[0]);

    public void Abort(int exitCode) => Environment.Exit(exitCode);

    public void Dispose() { }
}
