using CxrVL.Training;
using CxrVL.Training.Schedules;

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

    [Fact]
    public void EpochIntervalsBecomeSteps()
    {
        // 11 batches, accumulation 2: 5 steps per epoch; StepLR every 3 epochs = 15 steps; validation every 2 epochs = 10.
        var config = new TrainingConfig
        {
            Epochs = 9, AccumulateGradBatches = 2, ValEveryEpochs = 2,
            Schedule = new ScheduleConfig { Kind = ScheduleKind.Step, StepSizeEpochs = 3, Gamma = 0.8 },
        };
        var plan = TrainingPlan.Create(config, batchesPerEpoch: 11);
        Assert.Equal(15, plan[0].Schedule.StepSize);
        Assert.Equal(10, TrainingPlan.ValidationInterval(config, batchesPerEpoch: 11));

        config.ValEvery = 7;
        Assert.Contains("val_every_epochs", Assert.Throws<CxrVLException>(() => TrainingPlan.Create(config, batchesPerEpoch: 11)).Message);
        config.ValEveryEpochs = 0;
        Assert.Equal(7, TrainingPlan.ValidationInterval(config, batchesPerEpoch: 11));
    }
}
