using CxrVL.Training;

namespace CxrVL.Tests.Training;

public sealed class TrainingPlanTests
{
    [Fact]
    public void StagesAreMeasuredInOptimizerSteps()
    {
        var config = new TrainingConfig
        {
            AccumulateGradBatches = 2,
            Stages = [new StageConfig { Name = "a", Epochs = 20 }, new StageConfig { Epochs = 30 }, new StageConfig { Epochs = 100 }],
        };

        var plan = TrainingPlan.Create(config, batchesPerEpoch: 11);

        // floor(11 / 2) = 5 steps per epoch.
        Assert.Equal([100L, 150L, 500L], plan.Select(s => s.Steps));
        Assert.Equal(["a", "stage2", "stage3"], plan.Select(s => s.Name));
    }

    [Fact]
    public void MaxStepsShrinksEveryStageInProportion()
    {
        var config = new TrainingConfig
        {
            MaxSteps = 30,
            Stages = [new StageConfig { Epochs = 20 }, new StageConfig { Epochs = 30 }, new StageConfig { Epochs = 100 }],
        };

        var plan = TrainingPlan.Create(config, batchesPerEpoch: 10);

        Assert.Equal([4L, 6L, 20L], plan.Select(s => s.Steps));
    }

    [Fact]
    public void TooFewBatchesForOneStepIsAClearError() =>
        Assert.Throws<CxrVLException>(() => TrainingPlan.Create(new TrainingConfig(), batchesPerEpoch: 0));
}
