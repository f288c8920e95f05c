using static TorchSharp.torch;

using CxrVL.Runtime.Distributed;
namespace CxrVL.Training.Distributed;

/// <summary>
/// What a loss needs to treat the global batch of a data-parallel job as one batch: batch-wide terms (InfoNCE
/// negatives, Sinkhorn codes) gather every rank's rows. A loss on rank r uses its own rows as queries against the
/// gathered rows; the gather's backward returns to each rank the gradient all ranks' losses give its rows, so the
/// averaged gradient equals a single process's on the whole batch. <see cref="Local"/> (one process, or the switch
/// <c>train.distributed.global_negatives</c> off) gathers nothing.
/// </summary>
public sealed class GlobalBatch
{
    private readonly IDistributedContext? _context;

    public GlobalBatch(IDistributedContext context) => _context = context.WorldSize > 1 ? context : null;

    private GlobalBatch() { }

    /// <summary>This rank's batch alone.</summary>
    public static GlobalBatch Local { get; } = new();

    public bool IsDistributed => _context is not null;

    /// <summary>Every rank's rows in rank order, with gradient to this rank's rows.</summary>
    public GatheredRows Gather(Tensor local) =>
        _context is null ? new GatheredRows(local, 0, local.shape[0]) : AllGatherRowsFunction.Apply(local, _context);

    /// <summary>Every rank's rows as constants (for targets computed without gradient, such as Sinkhorn codes).</summary>
    public GatheredRows GatherConstant(Tensor local) =>
        _context is null ? new GatheredRows(local.detach(), 0, local.shape[0]) : _context.AllGather(local);
}
