using static TorchSharp.torch;

namespace CxrVL.Runtime.Distributed;

/// <summary>
/// The ranks of a data-parallel job as the trainer sees them: who this process is, and the collectives it needs.
/// Every collective must be called by every rank in the same order. <see cref="SingleProcess"/> is the job of one.
/// </summary>
public interface IDistributedContext : IDisposable
{
    int Rank { get; }

    int WorldSize { get; }

    /// <summary>Rank among the processes on this machine: selects the GPU (<c>cuda:LocalRank</c>).</summary>
    int LocalRank { get; }

    /// <summary>Ranks on this machine: they share its cores (torch threads) and GPUs.</summary>
    int LocalSize { get; }

    /// <summary>Rank 0 writes checkpoints, logs and progress.</summary>
    bool IsMain => Rank == 0;

    /// <summary>Sums a tensor over all ranks, in place (float32, float64, int64 or int32).</summary>
    void AllReduceSum(Tensor tensor);

    /// <summary>Overwrites a tensor with the values it has on <paramref name="root"/> (any dtype).</summary>
    void Broadcast(Tensor tensor, int root = 0);

    /// <summary>Every rank's rows concatenated in rank order (no gradient); ranks may hold different numbers of rows.</summary>
    GatheredRows AllGather(Tensor local);

    /// <summary>Ends every rank of the job now, with this exit code (after this rank has said why).</summary>
    void Abort(int exitCode);
}
