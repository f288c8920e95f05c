using CxrVL.Configuration;
using CxrVL.Runs;
using CxrVL.Tasks.Finetuning;
using CxrVL.Training;
using CxrVL.Training.Checkpoints;
using CxrVL.Training.Optimizers;
using CxrVL.Training.Schedules;

namespace CxrVL.Tests.Training;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-trainer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrainingConfig TwoStageConfig() => new()
    {
        BatchSize = 8,
        AccumulateGradBatches = 2,
        ClipGradNorm = 5,
        LogEvery = 1,
        CheckpointEvery = 4,
        KeepLast = 2,
        Optimizer = new OptimizerConfig { Lr = 0.05, WeightDecay = 0.01 },
        Schedule = new ScheduleConfig { Kind = ScheduleKind.WarmupCosine, WarmupSteps = 2 },
        Stages =
        [
            new StageConfig { Name = "warm", Epochs = 2, LossWeights = new() { ["l2"] = 0 } },
            new StageConfig { Name = "main", Epochs = 3, Optimizer = new OptimizerConfig { Kind = OptimizerKind.Sgd, Lr = 0.02 } },
        ],
    };

    private RunFolder Run(string name) => RunFolder.Create(name, Path.Combine(_root, name), console: TextWriter.Null);

    [Fact]
    public void TrainsThroughStagesLogsEveryTermAndWritesCheckpointsAndPlot()
    {
        using var data = new ToyData(64, 8, seed: 1);
        using var method = new ToyMethod(seed: 1);
        using var run = Run("full");
        var before = method.ValidationLoss(data);

        var result = new Trainer<ToyBatch>(TwoStageConfig(), run, seed: 1, TextWriter.Null).Fit(method, data);

        // 64 / 8 = 8 batches per epoch, 2 per step: 4 steps per epoch, 2 + 3 epochs.
        Assert.Equal(20, result.Steps);
        Assert.Equal("completed", result.StopReason);
        Assert.True(method.ValidationLoss(data) < 0.2 * before, $"loss {before} -> {method.ValidationLoss(data)}");
        Assert.Equal(["warm", "main"], method.Stages.Select(s => s.StageName));
        var lines = MetricsLog.Read(run.Metrics.Path).ToList();
        Assert.Equal(Enumerable.Range(1, 20), lines.Select(l => l.GetProperty("step").GetInt32()));
        Assert.All(lines, l => Assert.True(l.TryGetProperty("loss_mse", out _) && l.TryGetProperty("samples_per_s", out _)));
        // The l2 term has weight 0 in the first stage, so it is not logged there.
        Assert.False(lines[0].TryGetProperty("loss_l2", out _));
        Assert.True(lines[^1].TryGetProperty("loss_l2", out _));
        // Each stage restarts its schedule: the first step of a stage with 2 warmup steps runs at lr 0.
        Assert.Equal(0.0, lines[0].GetProperty("lr").GetDouble());
        Assert.Equal(0.0, lines[8].GetProperty("lr").GetDouble());
        Assert.Equal(0.02, lines[10].GetProperty("lr").GetDouble(), 12);
        var store = new CheckpointStore(run.CheckpointsPath);
        Assert.Equal(["step-000016", "step-000020"], store.StepCheckpoints().Select(Path.GetFileName));
        Assert.True(Directory.Exists(Path.Combine(run.CheckpointsPath, "main-start")));
        Assert.True(LossCurvePlot.Write(run.Metrics.Path, run.File("loss.png")));
        Assert.True(new FileInfo(run.File("loss.png")).Length > 1000);
    }

    [Fact]
    public void InterruptedRunResumesToTheSameWeightsAsAnUninterruptedOne()
    {
        double[] Train(string name, int? stopAfter)
        {
            using var data = new ToyData(64, 8, seed: 5);
            using var cancel = new CancellationTokenSource();
            using var method = new ToyMethod(seed: 5)
            {
                AfterStep = p =>
                {
                    if (p.Step + 1 == stopAfter)
                        cancel.Cancel();
                },
            };
            using var run = Run(name);
            var trainer = new Trainer<ToyBatch>(TwoStageConfig(), run, seed: 5, TextWriter.Null);
            var first = trainer.Fit(method, data, cancellation: cancel.Token);
            if (stopAfter is null)
                return method.Weights();
            Assert.Equal("cancelled", first.StopReason);
            Assert.Equal(stopAfter.Value, first.Steps);

            // A fresh process would start from new objects: rebuild everything and resume from the run folder.
            using var resumedMethod = new ToyMethod(seed: 99);
            using var resumedData = new ToyData(64, 8, seed: 5);
            var resumed = new Trainer<ToyBatch>(TwoStageConfig(), run, seed: 5, TextWriter.Null)
                .Fit(resumedMethod, resumedData, resumeFrom: run.Path);
            Assert.Equal(20, resumed.Steps);
            return resumedMethod.Weights();
        }

        var uninterrupted = Train("straight", null);
        Assert.Equal(uninterrupted, Train("mid-stage", 6));
        Assert.Equal(uninterrupted, Train("stage-boundary", 8));
        Assert.Equal(uninterrupted, Train("second-stage", 13));
    }

    [Fact]
    public void ValidationKeepsTheBestCheckpointAndStopsEarly()
    {
        using var data = new ToyData(64, 8, seed: 2);
        using var method = new ToyMethod(seed: 2);
        using var run = Run("validated");
        var config = new TrainingConfig
        {
            Epochs = 10, BatchSize = 8, ValEvery = 2, Patience = 2, Monitor = "val_score", MonitorGoal = MetricGoal.Max,
            Optimizer = new OptimizerConfig { Lr = 0.01 },
        };
        var scores = new Queue<double>([0.1, 0.5, 0.4, 0.3, 0.9]);

        var result = new Trainer<ToyBatch>(config, run, seed: 2, TextWriter.Null)
            .Fit(method, data, () => new Dictionary<string, double> { ["val_score"] = scores.Dequeue() });

        Assert.Equal(8, result.Steps);
        Assert.StartsWith("early stopping", result.StopReason);
        Assert.Equal(0.5, result.BestMetric);
        Assert.Equal(4, CheckpointStore.ReadState(result.BestCheckpoint!).Step);
        Assert.Equal(Path.Combine(run.CheckpointsPath, "best", CheckpointStore.ModelFile), CheckpointStore.ResolveWeights(run.Path));
    }

    [Fact]
    public void ValidationEveryEpochRunsOncePerPassOverTheData()
    {
        // 64 samples in batches of 8: 8 steps per epoch, 3 epochs, a validation at steps 8, 16 and 24.
        using var data = new ToyData(64, 8, seed: 3);
        using var method = new ToyMethod(seed: 3);
        using var run = Run("per-epoch");
        var config = new TrainingConfig { Epochs = 3, BatchSize = 8, ValEveryEpochs = 1, Optimizer = new OptimizerConfig { Lr = 0.01 } };
        var validations = 0;
        var result = new Trainer<ToyBatch>(config, run, seed: 3, TextWriter.Null)
            .Fit(method, data, () => new Dictionary<string, double> { ["val_loss"] = 1.0 / ++validations });
        Assert.Equal(24, result.Steps);
        Assert.Equal(3, validations);
        Assert.Equal(24, CheckpointStore.ReadState(result.BestCheckpoint!).Step);
    }

    [Fact]
    public void EarlyStoppingWaitsForTheMinimumNumberOfValidations()
    {
        long StepsUntilStop(int minValidations)
        {
            using var data = new ToyData(64, 8, seed: 4);
            using var method = new ToyMethod(seed: 4);
            using var run = Run($"minimum-{minValidations}");
            var config = new TrainingConfig
            {
                Epochs = 2, BatchSize = 8, ValEvery = 1, Patience = 1, MinValidations = minValidations, Optimizer = new OptimizerConfig { Lr = 0.01 },
            };
            // A metric that never improves after the first validation.
            var result = new Trainer<ToyBatch>(config, run, seed: 4, TextWriter.Null)
                .Fit(method, data, () => new Dictionary<string, double> { ["val_loss"] = 1 });
            Assert.Equal(TrainingOutcome.EarlyStopped, result.Outcome);
            return result.Steps;
        }

        // Patience 1 stops at the second validation; a minimum of 5 waits for the fifth.
        Assert.Equal(2, StepsUntilStop(0));
        Assert.Equal(5, StepsUntilStop(5));
        Assert.Equal(5, ConfigLoader.Load<FinetuneConfig>(null, ["train.min_validations=5"]).Train.MinValidations);
    }

    [Fact]
    public void NonFiniteValidationMetricsNeverBecomeTheBestCheckpoint()
    {
        using var data = new ToyData(64, 8, seed: 5);
        using var method = new ToyMethod(seed: 5);
        using var run = Run("validation");
        var config = new TrainingConfig
        {
            MaxSteps = 4, BatchSize = 8, ValEvery = 1, Monitor = "val_score", MonitorGoal = MetricGoal.Max, Optimizer = new OptimizerConfig { Lr = 0.01 },
        };
        var scores = new Queue<double>([double.NaN, double.PositiveInfinity, 0.2, double.NaN]);

        var result = new Trainer<ToyBatch>(config, run, seed: 5, TextWriter.Null)
            .Fit(method, data, () => new Dictionary<string, double> { ["val_score"] = scores.Dequeue() });

        Assert.Equal(0.2, result.BestMetric);
        Assert.Equal(3, CheckpointStore.ReadState(result.BestCheckpoint!).Step);
        Assert.Contains("step 1: val_score is NaN, which never counts", File.ReadAllText(run.Log.Path));
    }

    [Fact]
    public void UnknownMonitorMetricIsAnErrorNamingTheAvailableOnes()
    {
        using var data = new ToyData(16, 8, seed: 3);
        using var method = new ToyMethod(seed: 3);
        using var run = Run("monitor");
        var config = new TrainingConfig { BatchSize = 8, Monitor = "val_auc" };

        var error = Assert.Throws<CxrVLException>(() => new Trainer<ToyBatch>(config, run, seed: 3, TextWriter.Null)
            .Fit(method, data, () => new Dictionary<string, double> { ["val_loss"] = 1 }));
        Assert.Contains("'val_auc'", error.Message);
        Assert.Contains("val_loss", error.Message);
    }

    [Fact]
    public void ResumingWithAnotherSeedIsRefused()
    {
        using var data = new ToyData(16, 8, seed: 4);
        using var method = new ToyMethod(seed: 4);
        using var run = Run("seeded");
        new Trainer<ToyBatch>(new TrainingConfig { BatchSize = 8 }, run, seed: 4, TextWriter.Null).Fit(method, data);

        var error = Assert.Throws<CxrVLException>(() =>
            new Trainer<ToyBatch>(new TrainingConfig { BatchSize = 8 }, run, seed: 5, TextWriter.Null).Fit(method, data, resumeFrom: run.Path));
        Assert.Contains("--seed 4", error.Message);
    }
}
