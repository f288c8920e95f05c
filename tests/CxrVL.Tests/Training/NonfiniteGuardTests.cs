using System.Text.Json;
using CxrVL.Runs;
using CxrVL.Training;
using CxrVL.Training.Checkpoints;
using CxrVL.Training.Optimizers;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training;

/// <summary>
/// The trainer's guard against NaN and infinite losses and gradient norms, on the toy regression with a BatchNorm layer
/// whose batches are poisoned at chosen steps: NaN inputs make the mean-squared error NaN (and the BatchNorm statistics
/// with it); a term sqrt(w - w) is 0 with an infinite gradient, so only the gradient norm shows it.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class NonfiniteGuardTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-guard-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private RunFolder Run(string name) => RunFolder.Create(name, Path.Combine(_root, name), console: TextWriter.Null);

    /// <summary>64 samples in batches of 8: 8 steps per epoch; a checkpoint after every step, the last two kept.</summary>
    private static TrainingConfig Config() => new()
    {
        Epochs = 2,
        BatchSize = 8,
        LogEvery = 1,
        CheckpointEvery = 1,
        KeepLast = 2,
        Optimizer = new OptimizerConfig { Lr = 0.01 },
    };

    [Fact]
    public void ALossThatTurnsNaNStopsTheRunNamingTheStepTheTermAndTheIntactLastCheckpoint()
    {
        using var data = new ToyData(64, 8, seed: 1);
        using var method = new PoisonedMethod(seed: 1) { NaNInputsAt = [6] };
        using var run = Run("nan-loss");

        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer<ToyBatch>(Config(), run, seed: 1, TextWriter.Null).Fit(method, data));

        var lastGood = Path.Combine(run.CheckpointsPath, "step-000005");
        Assert.StartsWith("training diverged at step 6 ", error.Message);
        Assert.Contains("loss_mse = NaN", error.Message);
        Assert.Contains("loss = NaN", error.Message);
        Assert.DoesNotContain("loss_l2", error.Message);
        Assert.Contains($"'{lastGood}'", error.Message);
        Assert.Equal(TrainingOutcome.Diverged, error.Result.Outcome);
        Assert.Equal(5, error.Result.Steps);
        Assert.Equal(6, error.Divergence.Step);
        Assert.Equal(["loss", "loss_mse"], error.Divergence.NonfiniteTerms.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(lastGood, error.Result.LastCheckpoint);

        // Nothing was saved after step 5, and step 5's checkpoint holds the weights and buffers the model had after it.
        Assert.Equal(["step-000004", "step-000005"], Directory.GetDirectories(run.CheckpointsPath).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(5, CheckpointStore.ReadState(lastGood).Step);
        using (var saved = CheckpointReader.Read(Path.Combine(lastGood, CheckpointStore.ModelFile)))
        {
            foreach (var (name, values) in method.StateAfter[5])
                Assert.Equal(values, saved[name].to(float64).data<double>().ToArray());
        }

        Assert.Contains("training diverged at step 6", File.ReadAllText(run.Log.Path));
        var lines = MetricsLog.Read(run.Metrics.Path).ToList();
        Assert.Equal([1, 2, 3, 4, 5], lines.Select(l => l.GetProperty("step").GetInt32()));
        Assert.DoesNotContain("NaN", File.ReadAllText(run.Metrics.Path));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1.0)]
    public void AnInfiniteGradientNormWithAFiniteLossStopsTheRun(double? clip)
    {
        using var data = new ToyData(64, 8, seed: 2);
        using var method = new PoisonedMethod(seed: 2) { InfiniteGradientAt = [3] };
        using var run = Run($"inf-grad-{clip}");
        var config = Config();
        config.ClipGradNorm = clip;

        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer<ToyBatch>(config, run, seed: 2, TextWriter.Null).Fit(method, data));

        Assert.StartsWith("training diverged at step 3 ", error.Message);
        Assert.Contains("the gradient norm is Infinity while every loss term is finite", error.Message);
        Assert.Empty(error.Divergence.NonfiniteTerms);
        Assert.Equal(double.PositiveInfinity, error.Divergence.GradientNorm);
        Assert.Equal(2, error.Result.Steps);
        // The finite steps logged their gradient norm, clipped or not.
        Assert.All(MetricsLog.Read(run.Metrics.Path), l => Assert.True(double.IsFinite(l.GetProperty("grad_norm").GetDouble())));
    }

    [Fact]
    public void SkipDropsNonFiniteBatchesCountsThemAndStopsBeyondTheLimit()
    {
        using var data = new ToyData(64, 8, seed: 3);
        using var method = new PoisonedMethod(seed: 3) { NaNInputsAt = [3, 7], InfiniteGradientAt = [5] };
        using var run = Run("skip");
        var config = Config();
        config.Nonfinite = NonfiniteAction.Skip;
        config.MaxNonfiniteSkips = 2;

        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer<ToyBatch>(config, run, seed: 3, TextWriter.Null).Fit(method, data));

        Assert.StartsWith("training diverged at step 7 ", error.Message);
        Assert.Contains("2 earlier batches with non-finite values were skipped, as many as train.max_nonfinite_skips=2 allows", error.Message);
        var lines = MetricsLog.Read(run.Metrics.Path).ToDictionary(l => l.GetProperty("step").GetInt32());
        Assert.Equal([1, 2, 3, 4, 5, 6], lines.Keys);
        Assert.Equal([0, 0, 1, 1, 2, 2], lines.Values.Select(l => l.GetProperty("nonfinite_skipped").GetInt32()));
        // A dropped batch logs no loss and changes nothing: weights, BatchNorm statistics, and no post-step hook.
        Assert.Equal([1, 2, 4, 6], lines.Where(l => l.Value.TryGetProperty("loss", out _)).Select(l => l.Key));
        Assert.DoesNotContain("NaN", File.ReadAllText(run.Metrics.Path));
        Assert.Equal(Flat(method.StateAtStart[3]), Flat(method.StateAtStart[4]));
        Assert.Equal(Flat(method.StateAtStart[5]), Flat(method.StateAtStart[6]));
        Assert.NotEqual(Flat(method.StateAtStart[2]), Flat(method.StateAtStart[3]));
        Assert.Equal([1, 2, 4, 6], method.StateAfter.Keys.Order());
        Assert.All(Flat(method.StateAtStart[7]), v => Assert.True(double.IsFinite(v)));
        Assert.Contains("step 3: skipped the batch, loss_mse = NaN", File.ReadAllText(run.Log.Path));
    }

    [Fact]
    public void NonfiniteIsARecipeKey()
    {
        var config = CxrVL.Configuration.ConfigLoader.Load<CxrVL.Tasks.Finetuning.FinetuneConfig>(null,
            ["train.nonfinite=skip", "train.max_nonfinite_skips=3"]);
        Assert.Equal(NonfiniteAction.Skip, config.Train.Nonfinite);
        Assert.Equal(3, config.Train.MaxNonfiniteSkips);
        Assert.Equal(NonfiniteAction.Error, new TrainingConfig().Nonfinite);
        var wrong = Assert.Throws<CxrVL.Configuration.ConfigException>(() =>
            CxrVL.Configuration.ConfigLoader.Load<CxrVL.Tasks.Finetuning.FinetuneConfig>(null, ["train.nonfinite=ignore"]));
        Assert.Contains("error, skip", wrong.Message);
    }

    private static double[] Flat(Dictionary<string, double[]> state) =>
        state.OrderBy(e => e.Key, StringComparer.Ordinal).SelectMany(e => e.Value).ToArray();

    /// <summary>
    /// Linear, BatchNorm, tanh, linear in float64 with a mean-squared error and a small l2 term; records its parameters and
    /// buffers when each step's loss is computed and after each optimizer step (keyed by the 1-based step).
    /// </summary>
    private sealed class PoisonedMethod : ITrainingMethod<ToyBatch>
    {
        private readonly nn.Module<Tensor, Tensor> _network;
        private readonly nn.Module _first;

        public PoisonedMethod(int seed)
        {
            manual_seed(seed);
            var first = nn.Linear(4, 16);
            var network = nn.Sequential(first, nn.BatchNorm1d(16), nn.Tanh(), nn.Linear(16, 1));
            network.to(float64);
            (_network, _first) = (network, first);
        }

        public IReadOnlyList<long> NaNInputsAt { get; init; } = [];

        public IReadOnlyList<long> InfiniteGradientAt { get; init; } = [];

        public Dictionary<long, Dictionary<string, double[]>> StateAtStart { get; } = [];

        public Dictionary<long, Dictionary<string, double[]>> StateAfter { get; } = [];

        public nn.Module Model => _network;

        public LossTerms Loss(ToyBatch batch, TrainingProgress progress)
        {
            var step = progress.Step + 1;
            StateAtStart[step] = State();
            var inputs = NaNInputsAt.Contains(step) ? batch.Inputs * double.NaN : batch.Inputs;
            var weight = _first.parameters().First();
            var terms = new Dictionary<string, Tensor>
            {
                ["mse"] = nn.functional.mse_loss(_network.call(inputs), batch.Targets),
                ["l2"] = 1e-4 * weight.pow(2).sum(),
            };
            // sqrt is 0 at 0 with derivative +infinity: a finite term whose gradient is not.
            if (InfiniteGradientAt.Contains(step))
                terms["kink"] = (weight - weight.detach()).sqrt().sum();
            return LossTerms.Weighted(terms, progress.LossWeights);
        }

        public void AfterOptimizerStep(TrainingProgress progress) => StateAfter[progress.Step + 1] = State();

        public void Dispose() => _network.Dispose();

        private Dictionary<string, double[]> State()
        {
            using var scope = NewDisposeScope();
            return _network.state_dict().ToDictionary(e => e.Key, e => e.Value.to(float64).data<double>().ToArray());
        }
    }
}
