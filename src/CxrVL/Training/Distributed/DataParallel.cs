using TorchSharp.Modules;
using static TorchSharp.torch;

using CxrVL.Runtime.Distributed;
namespace CxrVL.Training.Distributed;

/// <summary>
/// The few points where the shared trainer meets the other ranks: the same start, averaged gradients, agreed
/// decisions, rank 0's buffers, and the switches of <see cref="DistributedConfig"/>. With one rank every call is free.
/// </summary>
internal sealed class DataParallel(IDistributedContext ranks, DistributedConfig config)
{
    private readonly GradientAverager _gradients = new(ranks, config.BucketMb);

    public IDistributedContext Ranks { get; } = ranks;

    public GlobalBatch GlobalBatch { get; } = config.GlobalNegatives ? new GlobalBatch(ranks) : GlobalBatch.Local;

    private bool Several => Ranks.WorldSize > 1;

    /// <summary>Gives every rank rank 0's weights and buffers and, when asked, synchronises BatchNorm; dispose to detach.</summary>
    public IDisposable? Attach(nn.Module model)
    {
        if (!Several)
            return null;
        StateBroadcast.Model(model, Ranks);
        return config.SyncBatchNorm ? new SyncBatchNorm(model, Ranks) : null;
    }

    /// <summary>Averages the gradients over ranks and records the time it took (<c>allreduce_ms</c>).</summary>
    public void AverageGradients(IEnumerable<Parameter> trained, MetricWindow window)
    {
        if (!Several)
            return;
        _gradients.Average(trained);
        window.Add("allreduce_ms", _gradients.LastDuration.TotalMilliseconds);
    }

    /// <summary>The per-step values (losses) averaged over ranks, so the log shows the global batch's loss.</summary>
    public IReadOnlyDictionary<string, double> MeanOverRanks(IReadOnlyDictionary<string, double> values)
    {
        if (!Several)
            return values;
        var names = values.Keys.Order(StringComparer.Ordinal).ToList();
        using var sums = tensor(names.Select(n => values[n]).ToArray(), ScalarType.Float64);
        Ranks.AllReduceSum(sums);
        var means = sums.data<double>().ToArray();
        return names.Select((n, i) => (n, means[i] / Ranks.WorldSize)).ToDictionary(p => p.n, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>True on every rank when it is true on any (a stop decision all ranks must take at the same step).</summary>
    public bool AnyRank(bool value)
    {
        if (!Several)
            return value;
        using var flag = tensor(new[] { value ? 1L : 0L }, ScalarType.Int64);
        Ranks.AllReduceSum(flag);
        return flag.item<long>() > 0;
    }

    /// <summary>Rank 0's buffers replace the others' (running statistics of local batches, queues), as DDP broadcasts them.</summary>
    public void AfterOptimizerStep(nn.Module model)
    {
        if (Several)
            StateBroadcast.Buffers(model, Ranks);
    }
}
