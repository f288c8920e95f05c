using CxrVL.Training;
using CxrVL.Training.Distributed;

namespace CxrVL.Tests.Training.Distributed;

/// <summary>
/// The released batch (per GPU x GPUs) mapped onto this run's ranks: per-GPU losses become accumulated micro-batches,
/// batch-wide ones (all-gathered negatives, SyncBN) keep the whole batch in one step, and whatever differs is stated.
/// </summary>
public sealed class ReleasedBatchTests
{
    private static TrainingConfig Train(int perGpu, int gpus, bool shared, bool match = true) => new()
    {
        BatchSize = 7,
        Distributed = new DistributedConfig { PerGpuBatch = perGpu, Gpus = gpus, GlobalNegatives = shared, SyncBatchNorm = shared, MatchReleasedBatch = match },
    };

    [Theory]
    // MedST: 10 sequences per GPU on 2 GPUs, each GPU's losses over its own 10.
    [InlineData(1, 10, 2)]
    [InlineData(2, 20, 1)]
    public void PerGpuLossesBecomeAccumulatedMicroBatchesOfTheReleasedSize(int ranks, int batch, int accumulated)
    {
        var train = Train(10, 2, shared: false);

        var statement = ReleasedBatch.Apply(train, ranks);

        Assert.Equal((batch, accumulated), (train.BatchSize, train.AccumulateGradBatches));
        Assert.Equal(10, train.BatchSize / ranks);
        Assert.Contains("released batch: 10 per GPU x 2 GPUs = 20 per step", statement);
        Assert.Contains("the same 20 per step", statement);
    }

    [Fact]
    public void RanksThatDoNotDivideTheGpusStateTheDifferentStep()
    {
        var train = Train(10, 2, shared: false);

        var statement = ReleasedBatch.Apply(train, 3);

        Assert.Equal((30, 1), (train.BatchSize, train.AccumulateGradBatches));
        Assert.Contains("30 per step instead of 20", statement);
    }

    [Theory]
    // PRIOR: 98 per GPU on 6 GPUs, negatives gathered and BatchNorm synchronised: every step is one batch of 588.
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(6)]
    public void BatchWideLossesKeepTheWholeReleasedBatchInOneStep(int ranks)
    {
        var train = Train(98, 6, shared: true);

        var statement = ReleasedBatch.Apply(train, ranks);

        Assert.Equal((588, 1), (train.BatchSize, train.AccumulateGradBatches));
        Assert.Contains("negatives gathered from every GPU and BatchNorm synchronised", statement);
        Assert.Contains("the same negatives and BatchNorm batch", statement);
    }

    [Fact]
    public void ABatchWideReleasedBatchThatDoesNotDivideAmongTheRanksIsAnError()
    {
        var error = Assert.Throws<CxrVLException>(() => ReleasedBatch.Apply(Train(98, 6, shared: true), 5));
        Assert.Contains("588", error.Message);
        Assert.Contains("train.distributed.match_released_batch", error.Message);
    }

    [Fact]
    public void NotMatchingKeepsTheRecipesBatchAndSaysSo()
    {
        var train = Train(98, 6, shared: true, match: false);

        var statement = ReleasedBatch.Apply(train, 1);

        Assert.Equal((7, 1), (train.BatchSize, train.AccumulateGradBatches));
        Assert.Contains("released batch: 98 per GPU x 6 GPUs = 588 per step", statement);
        Assert.Contains("7 per batch x 1 accumulated over 1 process as set", statement);
    }

    [Fact]
    public void NoReleasedBatchLeavesTheRecipeAlone()
    {
        var train = new TrainingConfig { BatchSize = 7 };
        Assert.Null(ReleasedBatch.Apply(train, 2));
        Assert.Equal(7, train.BatchSize);
    }

    [Fact]
    public void HalfAReleasedBatchIsAnErrorNamingBothKeys()
    {
        var train = new TrainingConfig { Distributed = new DistributedConfig { PerGpuBatch = 10 } };
        var error = Assert.Throws<CxrVLException>(() => ReleasedBatch.Apply(train, 1));
        Assert.Contains("train.distributed.gpus", error.Message);
    }
}
