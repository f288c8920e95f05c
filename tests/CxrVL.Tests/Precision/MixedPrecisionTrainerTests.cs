using System.Text.Json;
using CxrVL.Precision;
using CxrVL.Runs;
using CxrVL.Tests.Training;
using CxrVL.Training;
using CxrVL.Training.Checkpoints;
using CxrVL.Training.Optimizers;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Precision;

/// <summary>
/// The trainer under fp16-mixed with a gradient made infinite at chosen steps (a term sqrt(w - w.detach()) is 0 with an
/// infinite gradient), against GradScaler's documented rules worked out by hand; and what bf16-mixed does on a CPU
/// without native bfloat16 (<c>CXRVL_SIMULATE_NO_BF16=1</c>'s description of this CPU).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class MixedPrecisionTrainerTests : IDisposable
{
    // Sapphire Rapids' flags: native float16 and bfloat16, so no fallback gets in the way of the scaler.
    private static readonly LowPrecisionSupport Native = LowPrecisionSupport.FromCpuInfo(["flags\t\t: avx512_bf16 avx512_fp16 amx_bf16"], hideBfloat16: false);
    private static readonly LowPrecisionSupport SimulatedWithoutBfloat16 = LowPrecisionSupport.FromCpuInfo(["flags\t\t: avx512_bf16 avx512_fp16 amx_bf16"], hideBfloat16: true);

    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-fp16-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private RunFolder Run(string name) => RunFolder.Create(name, Path.Combine(_root, name), console: TextWriter.Null);

    /// <summary>64 samples in batches of 8 for 6 steps, AdamW, a checkpoint after every step (all kept), metrics every step.</summary>
    private static TrainingConfig Config(TrainingPrecision precision, int growthInterval = 2) => new()
    {
        Epochs = 1,
        MaxSteps = 6,
        BatchSize = 8,
        LogEvery = 1,
        CheckpointEvery = 1,
        KeepLast = 10,
        ClipGradNorm = 0.5,
        Precision = precision,
        GradScaler = new GradScalerConfig { GrowthInterval = growthInterval },
        Optimizer = new OptimizerConfig { Kind = OptimizerKind.AdamW, Lr = 0.01 },
        Schedule = new CxrVL.Training.Schedules.ScheduleConfig { Kind = CxrVL.Training.Schedules.ScheduleKind.Constant },
    };

    [Fact]
    public void AnInfiniteGradientSkipsTheStepHalvesTheScaleAndGoodStepsDoubleItAgain()
    {
        using var data = new ToyData(64, 8, seed: 1);
        using var method = new OverflowingMethod { InfiniteGradientAt = [3] };
        using var run = Run("overflow");

        var result = new Trainer<ToyBatch>(Config(TrainingPrecision.Fp16Mixed), run, seed: 1, TextWriter.Null, cpu: Native).Fit(method, data);

        Assert.Equal(6, result.Steps);
        var lines = MetricsLog.Read(run.Metrics.Path).ToList();
        // growth_interval 2 from 2^16: step 2 doubles, step 3 overflows and halves, steps 4 and 5 double it again.
        Assert.Equal([65536d, 131072, 65536, 65536, 131072, 131072], lines.Select(l => l.GetProperty("loss_scale").GetDouble()));
        Assert.Equal([0, 0, 1, 1, 1, 1], lines.Select(l => l.GetProperty("overflow_skipped").GetInt32()));
        // The skipped step logs its (finite) loss but no gradient norm; the others their norm after unscaling.
        Assert.False(lines[2].TryGetProperty("grad_norm", out _));
        Assert.True(double.IsFinite(lines[2].GetProperty("loss").GetDouble()));

        // Step 3 changed neither the weights nor AdamW's moments and step counts; step 4 did.
        Assert.Equal(method.WeightsAfter[2], method.WeightsAfter[3]);
        Assert.NotEqual(method.WeightsAfter[3], method.WeightsAfter[4]);
        Assert.Equal(OptimizerState(run, 2), OptimizerState(run, 3));
        Assert.Equal(3, OptimizerState(run, 4)["weight.step"][0]);
        Assert.Contains("step 3: float16 gradients overflowed, optimizer step skipped, loss scale 131072 -> 65536", File.ReadAllText(run.Log.Path));
        Assert.Equal(new GradScalerState(65536, 0, 1), CheckpointStore.ReadState(Path.Combine(run.CheckpointsPath, "step-000003")).GradScaler);
    }

    [Fact]
    public void ScaledStepsUpdateAndClipAsFloat32StepsDo()
    {
        // float64 weights: scaling by 2^16 and back is exact, so every step equals the unscaled one, and the norm that is
        // logged and clipped is the unscaled gradient's.
        IReadOnlyList<JsonElement> Train(TrainingPrecision precision, out Dictionary<long, double[]> weights)
        {
            using var data = new ToyData(64, 8, seed: 2);
            using var method = new OverflowingMethod();
            using var run = Run($"parity-{precision}");
            new Trainer<ToyBatch>(Config(precision), run, seed: 2, TextWriter.Null, cpu: Native).Fit(method, data);
            weights = method.WeightsAfter;
            return MetricsLog.Read(run.Metrics.Path).ToList();
        }

        var scaled = Train(TrainingPrecision.Fp16Mixed, out var scaledWeights);
        var plain = Train(TrainingPrecision.Fp32, out var plainWeights);
        Assert.Equal(plainWeights, scaledWeights);
        Assert.Equal(plain.Select(l => l.GetProperty("grad_norm").GetDouble()), scaled.Select(l => l.GetProperty("grad_norm").GetDouble()));
        Assert.All(plain, l => Assert.False(l.TryGetProperty("loss_scale", out _)));
    }

    [Fact]
    public void AResumedRunContinuesTheSavedScale()
    {
        List<JsonElement> Train(string name, string? resumeFrom)
        {
            using var data = new ToyData(64, 8, seed: 3);
            using var method = new OverflowingMethod { InfiniteGradientAt = [2] };
            using var run = Run(name);
            var config = Config(TrainingPrecision.Fp16Mixed, growthInterval: 3);
            new Trainer<ToyBatch>(config, run, seed: 3, TextWriter.Null, cpu: Native)
                .Fit(method, data, resumeFrom: resumeFrom);
            return MetricsLog.Read(run.Metrics.Path).ToList();
        }

        var whole = Train("whole", null);
        var checkpoint = Path.Combine(_root, "whole", "checkpoints", "step-000004");
        // 2^16, halved at step 2; steps 3 and 4 are two good steps of three.
        Assert.Equal(new GradScalerState(32768, 2, 1), CheckpointStore.ReadState(checkpoint).GradScaler);
        var resumed = Train("resumed", checkpoint);
        // Step 5 completes the run of three good steps and doubles the scale, in both.
        Assert.Equal([5, 6], resumed.Select(l => l.GetProperty("step").GetInt32()));
        Assert.Equal([65536d, 65536], resumed.Select(l => l.GetProperty("loss_scale").GetDouble()));
        Assert.Equal(whole.Skip(4).Select(l => l.GetProperty("loss_scale").GetDouble()), resumed.Select(l => l.GetProperty("loss_scale").GetDouble()));
    }

    [Fact]
    public void AScaleThatFallsBelowTheFloorStopsTheRun()
    {
        using var data = new ToyData(64, 8, seed: 4);
        using var method = new OverflowingMethod { InfiniteGradientAt = [1, 2, 3, 4, 5, 6] };
        using var run = Run("collapse");
        var config = Config(TrainingPrecision.Fp16Mixed);
        config.GradScaler.MinScale = 16384;

        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer<ToyBatch>(config, run, seed: 4, TextWriter.Null, cpu: Native).Fit(method, data));

        // 2^16 -> 2^15 -> 2^14 (the floor itself) -> 2^13, below it, at step 3.
        Assert.StartsWith("training diverged at step 3 ", error.Message);
        Assert.Contains("the fp16 loss scale fell to 8192, below train.grad_scaler.min_scale=16384, after 3 steps in a row with infinite or NaN gradients", error.Message);
        Assert.Contains("train in bf16-mixed", error.Message);
    }

    [Fact]
    public void ANonfiniteLossUnderFp16IsTheNonfinitePolicysNotTheScalers()
    {
        using var data = new ToyData(64, 8, seed: 5);
        using var method = new OverflowingMethod { NaNLossAt = [2] };
        using var run = Run("nan-loss");

        var error = Assert.Throws<TrainingDivergedException>(() =>
            new Trainer<ToyBatch>(Config(TrainingPrecision.Fp16Mixed), run, seed: 5, TextWriter.Null, cpu: Native).Fit(method, data));

        Assert.StartsWith("training diverged at step 2 ", error.Message);
        Assert.Contains("loss = NaN", error.Message);
    }

    [Theory]
    [InlineData(PrecisionFallback.Run, ScalarType.BFloat16)]
    [InlineData(PrecisionFallback.Fp32, null)]
    public void Bf16OnACpuWithoutItSaysSoOnceAndRunsOrFallsBackToFp32(PrecisionFallback fallback, ScalarType? forwardType)
    {
        using var data = new ToyData(64, 8, seed: 6);
        using var method = new OverflowingMethod();
        using var run = Run($"fallback-{fallback}");
        var config = Config(TrainingPrecision.Bf16Mixed);
        config.PrecisionFallback = fallback;

        new Trainer<ToyBatch>(config, run, seed: 6, TextWriter.Null, cpu: SimulatedWithoutBfloat16).Fit(method, data);

        Assert.All(method.ForwardTypes, t => Assert.Equal(forwardType, t));
        Assert.Equal(6, method.ForwardTypes.Count);
        var log = File.ReadAllLines(run.Log.Path);
        var notices = log.Where(l => l.Contains("this CPU has no native bfloat16 arithmetic (simulated by CXRVL_SIMULATE_NO_BF16=1)", StringComparison.Ordinal)).ToList();
        Assert.Single(notices);
        Assert.Contains(fallback == PrecisionFallback.Run ? "expect it slower than fp32" : "training in fp32 instead", notices[0]);
    }

    private static Dictionary<string, double[]> OptimizerState(RunFolder run, int step)
    {
        using var state = CheckpointReader.Read(Path.Combine(run.CheckpointsPath, CheckpointStore.StepName(step), CheckpointStore.OptimizerFile));
        return state.ToDictionary(e => e.Key, e => e.Value.to(float64).data<double>().ToArray());
    }

    /// <summary>
    /// A linear regression in float64 whose loss gains sqrt(w - w.detach()) (0, with an infinite gradient) at chosen steps,
    /// or turns NaN; records its weights after each step (1-based) and the autocast type its forward pass ran under.
    /// </summary>
    private sealed class OverflowingMethod : ITrainingMethod<ToyBatch>
    {
        private readonly TorchSharp.Modules.Linear _layer;

        public OverflowingMethod()
        {
            manual_seed(7);
            _layer = nn.Linear(4, 1, dtype: float64);
        }

        public HashSet<long> InfiniteGradientAt { get; init; } = [];

        public HashSet<long> NaNLossAt { get; init; } = [];

        public Dictionary<long, double[]> WeightsAfter { get; } = [];

        public List<ScalarType?> ForwardTypes { get; } = [];

        public nn.Module Model => _layer;

        public LossTerms Loss(ToyBatch batch, TrainingProgress progress)
        {
            ForwardTypes.Add(Autocast.LowPrecision);
            var step = progress.Step + 1;
            var loss = nn.functional.mse_loss(_layer.call(batch.Inputs), batch.Targets);
            if (InfiniteGradientAt.Contains(step))
                loss = loss + (_layer.weight! - _layer.weight!.detach()).sqrt().sum();
            if (NaNLossAt.Contains(step))
                loss = loss * double.NaN;
            return new LossTerms(loss, new Dictionary<string, Tensor> { ["mse"] = loss });
        }

        public void AfterOptimizerStep(TrainingProgress progress) =>
            WeightsAfter[progress.Step + 1] = _layer.weight!.data<double>().ToArray();

        public void Dispose() => _layer.Dispose();
    }
}
