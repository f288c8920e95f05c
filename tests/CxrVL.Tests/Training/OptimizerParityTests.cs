using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training;

/// <summary>Our optimizers against torch.optim (Debian's PyTorch 1.13) on the same parameters and gradients.</summary>
public sealed class OptimizerParityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-optim-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const int Steps = 6;

    /// <summary>Deterministic pseudo-random values, written identically to the JSON the reference reads.</summary>
    private static double[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    private static readonly (string Name, long[] Shape)[] Shapes =
        [("encoder.weight", [3, 4]), ("encoder.bias", [3]), ("norm.weight", [3]), ("head.weight", [2, 3])];

    [Theory]
    [InlineData("adamw", false, true)]
    [InlineData("adamw", false, false)]
    [InlineData("adam", false, true)]
    [InlineData("adam", false, false)]
    [InlineData("adam", true, true)]
    [InlineData("adam", true, false)]
    [InlineData("sgd", false, false)]
    [InlineData("sgd", true, false)]
    public void MatchesTorchOptimOverSeveralStepsWithGroupsAndSkippedGradients(string kind, bool flag, bool fused)
    {
        // flag: Nesterov momentum for SGD, amsgrad for Adam.
        var nesterov = kind == "sgd" && flag;
        var config = new OptimizerConfig
        {
            Kind = kind switch { "adamw" => OptimizerKind.AdamW, "adam" => OptimizerKind.Adam, _ => OptimizerKind.Sgd },
            Amsgrad = kind == "adam" && flag,
            WeightDecay = 0.05,
            Betas = [0.9, 0.95],
            Eps = 1e-8,
            Momentum = 0.9,
            Dampening = nesterov ? 0 : 0.1,
            Nesterov = nesterov,
            LrScales = new() { ["head."] = 0.5 },
            Fused = fused,
        };
        var parameters = Shapes.Select((s, i) =>
            (s.Name, new Parameter(tensor(Values((int)s.Shape.Aggregate(1L, (a, b) => a * b), i), s.Shape, float64)))).ToList();
        using var optimizer = OptimizerFactory.Create(config, parameters);
        double Lr(int step) => 0.1 * (step + 1) / Steps;

        var spec = new JsonObject
        {
            ["optimizer"] = kind,
            ["options"] = kind switch
            {
                "adamw" => new JsonObject { ["betas"] = new JsonArray(0.9, 0.95), ["eps"] = 1e-8 },
                "adam" => new JsonObject { ["betas"] = new JsonArray(0.9, 0.95), ["eps"] = 1e-8, ["amsgrad"] = flag },
                _ => new JsonObject { ["momentum"] = 0.9, ["dampening"] = nesterov ? 0 : 0.1, ["nesterov"] = nesterov },
            },
            ["params"] = new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)new JsonObject
            {
                ["shape"] = new JsonArray(p.Item2.shape.Select(d => (JsonNode)d).ToArray()),
                ["values"] = new JsonArray(p.Item2.data<double>().Select(v => (JsonNode)v).ToArray()),
            }))),
            ["groups"] = new JsonArray(optimizer.Groups.Select(g => (JsonNode)new JsonObject
            {
                ["names"] = new JsonArray(g.Parameters.Select(p => (JsonNode)p.Name).ToArray()),
                ["weight_decay"] = g.WeightDecay,
                ["lr"] = new JsonArray(Enumerable.Range(0, Steps).Select(s => (JsonNode)(Lr(s) * g.LrScale)).ToArray()),
            }).ToArray()),
        };

        var gradients = new JsonArray();
        for (var step = 0; step < Steps; step++)
        {
            var stepGradients = new JsonObject();
            foreach (var group in optimizer.Groups)
                group.LearningRate = Lr(step) * group.LrScale;
            for (var i = 0; i < parameters.Count; i++)
            {
                var (name, parameter) = parameters[i];
                // The bias gets no gradient on step 2: both sides must skip it, state and decay included.
                if (name == "encoder.bias" && step == 2)
                {
                    parameter.grad = null;
                    continue;
                }
                var values = Values((int)parameter.numel(), 100 * step + i);
                parameter.grad = tensor(values, parameter.shape, float64);
                stepGradients[name] = new JsonArray(values.Select(v => (JsonNode)v).ToArray());
            }
            optimizer.Step();
            // The fused kernel (one call per group) or the element-wise ops updated every parameter with a gradient.
            if (optimizer is AdamMoments adam)
                Assert.Equal(fused ? stepGradients.Count : 0, adam.FusedParameterCount);
            gradients.Add(stepGradients);
        }
        spec["grads"] = gradients;
        var specPath = Path.Combine(_directory, "spec.json");
        File.WriteAllText(specPath, spec.ToJsonString());

        var reference = JsonSerializer.Deserialize<Dictionary<string, double[]>>(
            PythonReference.Run(PythonReference.Script("Training/reference/optimizer_reference.py"), specPath))!;

        Assert.Equal(3, optimizer.Groups.Count);
        foreach (var (name, parameter) in parameters)
        {
            var ours = parameter.data<double>().ToArray();
            for (var j = 0; j < ours.Length; j++)
                Assert.True(Math.Abs(ours[j] - reference[name][j]) < 1e-12, $"{name}[{j}]: {ours[j]} vs torch {reference[name][j]}");
        }
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW, false)]
    [InlineData(OptimizerKind.Adam, true)]
    public void AdamStateIsAllocatedBeforeTheFirstStepAndStepsAsTheLazilyCreatedState(OptimizerKind kind, bool amsgrad)
    {
        // torch.optim creates Adam's zero moments at the first step; the factory allocates them up front.
        var config = new OptimizerConfig { Kind = kind, Amsgrad = amsgrad, WeightDecay = 0.01 };
        var eager = new Parameter(tensor(Values(6, 1), [2, 3], float64));
        var lazy = new Parameter(tensor(Values(6, 1), [2, 3], float64));
        using var allocated = OptimizerFactory.Create(config, [("w", eager)]);
        var expectedKeys = new[] { "w.step", "w.exp_avg", "w.exp_avg_sq" }.Concat(amsgrad ? ["w.max_exp_avg_sq"] : []).Order();
        Assert.Equal(expectedKeys, allocated.State().Keys.Order());
        Assert.All(allocated.State().Values, state => Assert.Equal(0, state.abs().sum().to_type(ScalarType.Float64).item<double>()));

        var groups = OptimizerFactory.Group(config, [("w", lazy)]);
        using IOptimizer created = kind == OptimizerKind.AdamW ? new CxrVL.Training.Optimizers.AdamW(groups) : new CxrVL.Training.Optimizers.Adam(groups, amsgrad: amsgrad);
        Assert.Empty(created.State());
        foreach (var (optimizer, parameter) in new[] { (allocated, eager), (created, lazy) })
        {
            optimizer.Groups[0].LearningRate = 0.01;
            for (var step = 2; step < 4; step++)
            {
                parameter.grad = tensor(Values(6, step), [2, 3], float64);
                optimizer.Step();
            }
        }
        Assert.Equal(lazy.data<double>().ToArray(), eager.data<double>().ToArray());
        Assert.Equal(2, allocated.State()["w.step"].item<long>());
    }

    [Fact]
    public void StateRoundTripsIntoAFreshOptimizerAndContinuesIdentically()
    {
        var config = new OptimizerConfig { WeightDecay = 0.01 };
        Parameter Make() => new(tensor(Values(6, 1), [2, 3], float64));
        var first = Make();
        var second = Make();
        using var original = OptimizerFactory.Create(config, [("w", first)]);
        original.Groups[0].LearningRate = 0.01;
        first.grad = tensor(Values(6, 2), [2, 3], float64);
        original.Step();
        second.detach().copy_(first);

        using var restored = OptimizerFactory.Create(config, [("w", second)]);
        restored.LoadState(original.State());
        restored.Groups[0].LearningRate = 0.01;
        foreach (var (optimizer, parameter) in new[] { (original, first), (restored, second) })
        {
            parameter.grad = tensor(Values(6, 3), [2, 3], float64);
            optimizer.Step();
        }

        Assert.Equal(first.data<double>().ToArray(), second.data<double>().ToArray());
        Assert.Equal(["w.exp_avg", "w.exp_avg_sq", "w.step"], original.State().Keys.Order());
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW, true)]
    [InlineData(OptimizerKind.AdamW, false)]
    [InlineData(OptimizerKind.Sgd, false)]
    public void StateOfAChannelsLastWeightIsChannelsLastAndStepsLikeTheContiguousOne(OptimizerKind kind, bool fused)
    {
        // The gradients are set contiguous for both: the channels-last parameter's must not change its arithmetic.
        var config = new OptimizerConfig { Kind = kind, WeightDecay = 0.01, Fused = fused };
        var plain = new Parameter(tensor(Values(24, 1), [2, 3, 2, 2], float64));
        var nhwc = new Parameter(CxrVL.Models.ChannelsLast.Convert(plain));
        using var first = OptimizerFactory.Create(config, [("w", plain)]);
        using var second = OptimizerFactory.Create(config, [("w", nhwc)]);
        foreach (var (optimizer, parameter) in new[] { (first, plain), (second, nhwc) })
        {
            optimizer.Groups[0].LearningRate = 0.01;
            for (var step = 2; step < 4; step++)
            {
                parameter.grad = tensor(Values(24, step), [2, 3, 2, 2], float64);
                optimizer.Step();
            }
        }

        Assert.All(second.State().Where(s => s.Value.dim() == 4), s => Assert.True(CxrVL.Models.ChannelsLast.Is(s.Value), s.Key));
        Assert.Equal(plain.data<double>().ToArray(), nhwc.contiguous().data<double>().ToArray());
    }

    [Fact]
    public void LoadingStateForAnUnknownParameterNamesTheKey()
    {
        using var optimizer = OptimizerFactory.Create(new OptimizerConfig(), [("w", new Parameter(zeros(2)))]);
        var error = Assert.Throws<CxrVLException>(() => optimizer.LoadState(new Dictionary<string, Tensor> { ["v.exp_avg"] = zeros(2) }));
        Assert.Contains("'v.exp_avg'", error.Message);
    }
}
