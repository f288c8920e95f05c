namespace CxrVL.Training.Distributed;

/// <summary>
/// Maps the batch a released recipe ran with (<c>per_gpu_batch</c> samples on each of <c>gpus</c> GPUs) onto the ranks
/// this run has. When the released code shared negatives or BatchNorm statistics across its GPUs (all-gather, SyncBN),
/// one optimizer step must see the whole <c>per_gpu_batch × gpus</c> batch in one forward pass: the global batch is set to
/// it, spread over the ranks (with all-gathered negatives and SyncBN under mpirun), which needs the ranks to hold it
/// together. When every GPU's loss saw only its own samples, the released step is the mean of <c>gpus</c> independent
/// per-GPU losses, which gradient accumulation reproduces exactly: each rank takes <c>per_gpu_batch</c> and
/// <c>gpus / ranks</c> micro-batches are accumulated. Whatever cannot match is stated in the run's log.
/// </summary>
public static class ReleasedBatch
{
    /// <summary>Sets <c>train.batch_size</c> and <c>train.accumulate_grad_batches</c> for <paramref name="ranks"/> ranks.</summary>
    /// <returns>One line for the run's log: what the released code used and what this run does; null when the recipe states no released batch.</returns>
    public static string? Apply(TrainingConfig train, int ranks)
    {
        var distributed = train.Distributed;
        if (distributed.PerGpuBatch is null && distributed.Gpus is null)
            return null;
        if (distributed.PerGpuBatch is not { } perGpu || distributed.Gpus is not { } gpus)
            throw new CxrVLException("train.distributed.per_gpu_batch and train.distributed.gpus state the released batch together: set both, or neither.");
        var total = perGpu * gpus;
        var batchWide = distributed.GlobalNegatives || distributed.SyncBatchNorm;
        var released = $"released batch: {perGpu} per GPU x {gpus} GPUs = {total} per step, " +
                       (batchWide ? Shared(distributed, "GPU") : $"negatives and BatchNorm statistics within each GPU's {perGpu}");
        string thisRun;
        if (!distributed.MatchReleasedBatch)
            thisRun = $"{train.BatchSize} per batch x {train.AccumulateGradBatches} accumulated over {Ranks(ranks)} as set (train.distributed.match_released_batch false)";
        else if (batchWide)
        {
            if (total % ranks != 0)
                throw new CxrVLException($"the released batch of {total} ({perGpu} per GPU x {gpus} GPUs, shared across GPUs) does not divide among {ranks} ranks: " +
                                         $"run a rank count that divides {total}, or set train.distributed.match_released_batch=false and train.batch_size.");
            (train.BatchSize, train.AccumulateGradBatches) = (total, 1);
            thisRun = ranks == 1
                ? $"one process holds the whole batch of {total}: the same negatives and BatchNorm batch"
                : $"{Ranks(ranks)} x {total / ranks}, {Shared(distributed, "rank")}: the same negatives and BatchNorm batch";
        }
        else
        {
            (train.BatchSize, train.AccumulateGradBatches) = (perGpu * ranks, Math.Max(1, (int)Math.Round((double)gpus / ranks)));
            var perStep = perGpu * ranks * train.AccumulateGradBatches;
            thisRun = $"{Ranks(ranks)} x {perGpu}, {train.AccumulateGradBatches} micro-batches accumulated per step: " +
                      (gpus % ranks == 0 ? $"the same {total} per step, negatives and BatchNorm within each {perGpu}" : $"{perStep} per step instead of {total}");
        }
        return $"{released}; this run: {thisRun}";
    }

    private static string Shared(DistributedConfig distributed, string unit) => (distributed.GlobalNegatives, distributed.SyncBatchNorm) switch
    {
        (true, true) => $"negatives gathered from every {unit} and BatchNorm synchronised",
        (true, false) => $"negatives gathered from every {unit}",
        _ => $"BatchNorm synchronised over every {unit}",
    };

    private static string Ranks(int ranks) => ranks == 1 ? "1 process" : $"{ranks} ranks";
}
