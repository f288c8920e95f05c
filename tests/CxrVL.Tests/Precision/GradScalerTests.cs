using CxrVL.Precision;
using CxrVL.Training.Optimizers;
using AdamW = CxrVL.Training.Optimizers.AdamW;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Tests.Precision;

/// <summary>
/// The fp16 loss scaler against torch.cuda.amp.GradScaler's documented rules, with expected values worked out by hand
/// from them: a step with an infinite gradient is skipped and halves the scale, growth_interval good steps double it.
/// </summary>
public sealed class GradScalerTests
{
    private const double Lr = 0.01;

    /// <summary>A 3 -> 2 linear layer in float32 with fixed weights, its AdamW (no weight decay) and a fixed batch.</summary>
    private sealed class SmallModel : IDisposable
    {
        public SmallModel()
        {
            Layer = nn.Linear(3, 2);
            using (no_grad())
            {
                Layer.weight!.copy_(tensor(new float[] { 0.5f, -1, 0.25f, 2, 0.75f, -0.5f }, [2, 3]));
                Layer.bias!.copy_(tensor(new float[] { 0.1f, -0.2f }));
            }
            Optimizer = new AdamW([new ParameterGroup("all", [("weight", Layer.weight!), ("bias", Layer.bias!)], 0, 1) { LearningRate = Lr }]);
        }

        public Linear Layer { get; }

        public AdamW Optimizer { get; }

        public IEnumerable<Parameter> Parameters => [Layer.weight!, Layer.bias!];

        public Tensor Loss()
        {
            using var inputs = tensor(new float[] { 1, 2, -1, 0.5f, -1.5f, 3 }, [2, 3]);
            using var targets = tensor(new float[] { 1, 0, -1, 2 }, [2, 2]);
            return nn.functional.mse_loss(Layer.call(inputs), targets);
        }

        public float[] Values(Tensor tensor) => tensor.detach().clone().data<float>().ToArray();

        public Dictionary<string, float[]> OptimizerState() =>
            Optimizer.State().ToDictionary(e => e.Key, e => e.Value.dtype == ScalarType.Int64
                ? [e.Value.item<long>()]
                : e.Value.data<float>().ToArray());

        public void Dispose()
        {
            Optimizer.Dispose();
            Layer.Dispose();
        }
    }

    /// <summary>One training step the way the trainer takes it under fp16-mixed; returns whether the step was skipped.</summary>
    private static bool ScaledStep(SmallModel model, GradScaler scaler, bool infiniteGradient = false)
    {
        using var loss = model.Loss();
        using (var scaled = scaler.ScaleLoss(loss))
            scaled.backward();
        if (infiniteGradient)
        {
            using var noGrad = no_grad();
            model.Layer.weight!.grad![1, 2] = float.PositiveInfinity;
        }
        var skipped = scaler.UnscaleFindsNonfinite(model.Parameters);
        if (!skipped)
            model.Optimizer.Step();
        model.Optimizer.ZeroGrad();
        scaler.Update(skipped);
        return skipped;
    }

    [Fact]
    public void AnInfiniteGradientSkipsTheStepAndHalvesTheScaleAndGrowthIntervalGoodStepsDoubleIt()
    {
        using var model = new SmallModel();
        var scaler = new GradScaler(new GradScalerConfig { GrowthInterval = 3 });
        Assert.Equal(65536f, scaler.Scale);

        Assert.False(ScaledStep(model, scaler));
        Assert.Equal((65536f, 1, 0), (scaler.Scale, scaler.GrowthTracker, scaler.SkippedSteps));

        var weights = model.Values(model.Layer.weight!);
        var bias = model.Values(model.Layer.bias!);
        var moments = model.OptimizerState();
        Assert.Equal(["bias.exp_avg", "bias.exp_avg_sq", "bias.step", "weight.exp_avg", "weight.exp_avg_sq", "weight.step"], moments.Keys.Order(StringComparer.Ordinal));

        Assert.True(ScaledStep(model, scaler, infiniteGradient: true));
        // Skipped: parameters, AdamW's moments and its step count exactly as before; the scale halved, the run of good steps restarted.
        Assert.Equal(weights, model.Values(model.Layer.weight!));
        Assert.Equal(bias, model.Values(model.Layer.bias!));
        Assert.Equal(moments, model.OptimizerState());
        Assert.Equal((32768f, 0, 1), (scaler.Scale, scaler.GrowthTracker, scaler.SkippedSteps));

        // The next good step applies; the scale doubles on the third good step in a row, and the count restarts.
        Assert.False(ScaledStep(model, scaler));
        Assert.NotEqual(weights, model.Values(model.Layer.weight!));
        Assert.Equal(2, model.OptimizerState()["weight.step"][0]);
        Assert.Equal((32768f, 1), (scaler.Scale, scaler.GrowthTracker));
        Assert.False(ScaledStep(model, scaler));
        Assert.Equal((32768f, 2), (scaler.Scale, scaler.GrowthTracker));
        Assert.False(ScaledStep(model, scaler));
        Assert.Equal((65536f, 0, 1), (scaler.Scale, scaler.GrowthTracker, scaler.SkippedSteps));
    }

    [Fact]
    public void UnscaledGradientsGiveTheUpdateOfAnUnscaledFloat32Step()
    {
        // Reference: the same model's float32 gradient without any scaling; AdamW's first step by hand (no decay):
        // m = (1 - b1) g, v = (1 - b2) g^2, so p -= lr * (m / (1 - b1)) / (sqrt(v / (1 - b2)) + eps) = lr * g / (|g| + eps).
        using var reference = new SmallModel();
        using (var loss = reference.Loss())
            loss.backward();
        var weights = reference.Values(reference.Layer.weight!);
        var gradients = reference.Values(reference.Layer.weight!.grad!);
        var expected = weights.Zip(gradients, (w, g) => w - Lr * g / (Math.Abs(g) + 1e-8)).ToArray();

        using var model = new SmallModel();
        var scaler = new GradScaler(new GradScalerConfig());
        using (var loss = model.Loss())
        using (var scaled = scaler.ScaleLoss(loss))
            scaled.backward();
        Assert.Equal(gradients.Select(g => g * 65536f), model.Values(model.Layer.weight!.grad!));
        Assert.False(scaler.UnscaleFindsNonfinite(model.Parameters));
        // Scaling by 2^16 and back is exact in float32, so the gradients are bit for bit the unscaled ones.
        Assert.Equal(gradients, model.Values(model.Layer.weight!.grad!));
        model.Optimizer.Step();

        var updated = model.Values(model.Layer.weight!);
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], updated[i], 6);
    }

    [Fact]
    public void ANaNGradientIsSkippedLikeAnInfiniteOne()
    {
        using var model = new SmallModel();
        var scaler = new GradScaler(new GradScalerConfig { InitScale = 8 });
        using (var loss = model.Loss())
            loss.backward();
        using (no_grad())
            model.Layer.bias!.grad![0] = float.NaN;
        Assert.True(scaler.UnscaleFindsNonfinite(model.Parameters));
        scaler.Update(foundNonfinite: true);
        Assert.Equal(4f, scaler.Scale);
    }

    [Fact]
    public void TheScaleNeverGrowsPastFloat32AndCollapsesBelowTheFloor()
    {
        // 2^127 * 2 overflows float32: _amp_update_scale_ keeps the scale and still restarts the count.
        var top = new GradScaler(new GradScalerConfig { InitScale = Math.Pow(2, 127), GrowthInterval = 1 });
        top.Update(foundNonfinite: false);
        Assert.Equal((MathF.Pow(2, 127), 0), (top.Scale, top.GrowthTracker));

        var falling = new GradScaler(new GradScalerConfig { InitScale = 1, MinScale = 0.25 });
        falling.Update(foundNonfinite: true);
        falling.Update(foundNonfinite: true);
        Assert.Equal(0.25f, falling.Scale);
        Assert.False(falling.Collapsed);
        falling.Update(foundNonfinite: true);
        Assert.True(falling.Collapsed);
        Assert.Equal(3, falling.ConsecutiveSkips);
    }

    [Fact]
    public void AResumedScalerContinuesFromItsSavedState()
    {
        var config = new GradScalerConfig { GrowthInterval = 4 };
        var scaler = new GradScaler(config, new GradScalerState(1024f, 3, 5));
        scaler.Update(foundNonfinite: false);
        Assert.Equal(new GradScalerState(2048f, 0, 5), scaler.State);
    }
}
