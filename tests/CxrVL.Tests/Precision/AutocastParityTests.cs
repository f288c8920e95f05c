using System.Text.Json;
using CxrVL.Models;
using CxrVL.Precision;
using CxrVL.Weights;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CxrVL.Tests.Precision;

/// <summary>
/// bf16-mixed against PyTorch 1.13's <c>torch.autocast('cpu', dtype=torch.bfloat16)</c> on the same weights and inputs
/// (Precision/reference/autocast_reference.py): the outputs autocast leaves in bfloat16 or float32 have the same dtypes
/// here, and our outputs, loss and gradients differ from PyTorch's autocast ones by no more than twice what autocast
/// itself changes against float32 (plus one bfloat16 rounding of the value): two bfloat16 computations with different
/// kernels and summation orders, each as far from the float32 truth as bfloat16 allows. The float32 steps agree to 1e-4.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class AutocastParityTests(ITestOutputHelper output) : IDisposable
{
    private const double BfloatEpsilon = 1.0 / 256;
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-autocast-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (StateDict Weights, StateDict Io, Dictionary<string, string> Dtypes) Reference(string what)
    {
        PythonReference.Run(PythonReference.Script("Precision/reference/autocast_reference.py"), what, _directory);
        var dtypes = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(_directory, "dtypes.json")))!;
        return (CheckpointReader.Read(Path.Combine(_directory, "weights.pt")), CheckpointReader.Read(Path.Combine(_directory, "io.pt")), dtypes);
    }

    private static string Name(ScalarType type) => type switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float32 => "float32",
        _ => type.ToString(),
    };

    /// <summary>One step as the trainer runs it; returns the named outputs (float32 copies), the loss and the gradients.</summary>
    private static (Dictionary<string, Tensor> Outputs, Dictionary<string, ScalarType> Types, double Loss, Dictionary<string, Tensor> Gradients)
        Step(nn.Module model, Func<(Dictionary<string, Tensor> Outputs, Tensor Loss)> forward, TrainingPrecision precision)
    {
        model.zero_grad();
        (Dictionary<string, Tensor> Outputs, Tensor Loss) result;
        using (Autocast.Enable(precision))
            result = forward();
        result.Loss.backward();
        var gradients = model.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        return (result.Outputs.ToDictionary(o => o.Key, o => o.Value.detach().to_type(ScalarType.Float32)),
                result.Outputs.ToDictionary(o => o.Key, o => o.Value.dtype), result.Loss.ToDouble(), gradients);
    }

    private void Compare(string what, nn.Module model, Func<(Dictionary<string, Tensor> Outputs, Tensor Loss)> forward, StateDict io,
                         IReadOnlyDictionary<string, string> dtypes)
    {
        var float32 = Step(model, forward, TrainingPrecision.Fp32);
        var mixed = Step(model, forward, TrainingPrecision.Bf16Mixed);

        Assert.Equal(dtypes.OrderBy(d => d.Key), mixed.Types.Select(t => KeyValuePair.Create(t.Key, Name(t.Value))).OrderBy(d => d.Key));
        Assert.Equal(io["fp32.loss"].ToDouble(), float32.Loss, 1e-4);
        foreach (var (name, value) in float32.Outputs)
            Assert.True(allclose(io[$"fp32.{name}"], value, 1e-4, 1e-4), $"{what} float32 {name}");

        foreach (var (name, ours) in mixed.Outputs)
        {
            var (theirs, truth) = (io[$"bf16.{name}"], io[$"fp32.{name}"]);
            var (ourError, autocastError) = ((ours - theirs).abs().max().ToDouble(), (theirs - truth).abs().max().ToDouble());
            var allowed = 2 * autocastError + BfloatEpsilon * truth.abs().max().ToDouble();
            output.WriteLine($"{what} {name}: |ours - autocast| {ourError:0.0e+0}, |autocast - float32| {autocastError:0.0e+0}, allowed {allowed:0.0e+0}");
            Assert.True(ourError <= allowed, $"{what} {name}: {ourError} > {allowed}");
        }

        var (theirLoss, trueLoss) = (io["bf16.loss"].ToDouble(), io["fp32.loss"].ToDouble());
        var lossAllowed = 2 * Math.Abs(theirLoss - trueLoss) + BfloatEpsilon * Math.Abs(trueLoss);
        output.WriteLine($"{what} loss: float32 {trueLoss:0.000000}, autocast {theirLoss:0.000000}, ours {mixed.Loss:0.000000} (allowed ±{lossAllowed:0.0e+0})");
        Assert.Equal(theirLoss, mixed.Loss, lossAllowed);

        var names = mixed.Gradients.Keys.Order().ToList();
        Assert.Equal(names, io.Keys.Where(k => k.StartsWith("bf16.grad.", StringComparison.Ordinal)).Select(k => k["bf16.grad.".Length..]).Order());
        Tensor Flat(Func<string, Tensor> pick) => cat(names.Select(n => pick(n).flatten()).ToList()).to_type(ScalarType.Float64);
        var (oursGrad, theirGrad, trueGrad) = (Flat(n => mixed.Gradients[n]), Flat(n => io[$"bf16.grad.{n}"]), Flat(n => io[$"fp32.grad.{n}"]));
        var gradientError = (oursGrad - theirGrad).norm().ToDouble();
        var autocastGradientError = (theirGrad - trueGrad).norm().ToDouble();
        var gradientAllowed = 2 * autocastGradientError + BfloatEpsilon * trueGrad.norm().ToDouble();
        output.WriteLine($"{what} gradients ({names.Count} tensors): ||ours - autocast|| {gradientError:0.0e+0}, ||autocast - float32|| {autocastGradientError:0.0e+0}, " +
                         $"||ours - float32|| / ||float32|| {(oursGrad - trueGrad).norm().ToDouble() / trueGrad.norm().ToDouble():0.0e+0}");
        Assert.True(gradientError <= gradientAllowed, $"{what} gradients: {gradientError} > {gradientAllowed}");
        Assert.All(mixed.Gradients.Values, g => Assert.Equal(ScalarType.Float32, g.dtype));
    }

    [Fact]
    public void ResNetTrainingStepMatchesAutocast()
    {
        using var scope = NewDisposeScope();
        var (weights, io, dtypes) = Reference("resnet");
        using var model = new ResNet(ResNetConfig.ResNet18(classes: 10));
        StateDictLoader.Load(model, weights, source: "weights.pt");
        model.train();

        Compare("resnet18", model, () =>
        {
            var features = model.forward(io["input"]);
            var loss = nn.functional.cross_entropy(Autocast.Float32(features.Logits!), io["targets"]);
            return (new Dictionary<string, Tensor> { ["pooled"] = features.Pooled, ["logits"] = features.Logits! }, loss);
        }, io, dtypes);
        weights.Dispose();
        io.Dispose();
    }

    [Fact]
    public void BertStepMatchesAutocast()
    {
        using var scope = NewDisposeScope();
        var (weights, io, dtypes) = Reference("bert");
        using var model = new BertModel(BertConfig.Load(Path.Combine(_directory, "config.json")));
        StateDictLoader.Load(model, weights, source: "weights.pt");
        model.eval();
        var mask = io["attention_mask"];

        Compare("bert", model, () =>
        {
            var encoding = model.forward(new BertInput { InputIds = io["input_ids"], AttentionMask = mask });
            var keep = mask.unsqueeze(-1).to_type(ScalarType.Float32);
            var loss = (Autocast.Float32(encoding.LastHiddenState).square() * keep).sum() / keep.sum() + Autocast.Float32(encoding.PoolerOutput!).mean();
            return (new Dictionary<string, Tensor> { ["last_hidden_state"] = encoding.LastHiddenState, ["pooler_output"] = encoding.PoolerOutput! }, loss);
        }, io, dtypes);
        weights.Dispose();
        io.Dispose();
    }

    /// <summary>
    /// A ViT's training step: under CPU autocast its attention takes the explicit products (VitAttention), as torchvision's
    /// nn.MultiheadAttention computes them in the reference.
    /// </summary>
    [Fact]
    public void VitTrainingStepMatchesAutocast()
    {
        using var scope = NewDisposeScope();
        var (weights, io, dtypes) = Reference("vit");
        var config = new VisionTransformerConfig { ImageSize = 32, PatchSize = 8, EmbedDim = 32, Depth = 2, Heads = 4, MlpRatio = 2, Classes = 10 };
        using var model = new VisionTransformer(config);
        StateDictLoader.Load(model, weights, VitKeyMaps.Torchvision, source: "weights.pt");
        model.train();
        // The reference's gradients carry torchvision's parameter names; ours are timm's (Rename takes io's tensors over).
        using var named = io.Rename(key => key.Split('.', 3) is [var tag, "grad", var name]
            ? VitKeyMaps.Torchvision.Map(name) is { } ours ? $"{tag}.grad.{ours}" : null
            : key);

        Compare("vit", model, () =>
        {
            var features = model.forward(named["input"]);
            var loss = nn.functional.cross_entropy(Autocast.Float32(features.Logits!), named["targets"]) + Autocast.Float32(features.Tokens).square().mean();
            return (new Dictionary<string, Tensor> { ["tokens"] = features.Tokens, ["logits"] = features.Logits! }, loss);
        }, named, dtypes);
        weights.Dispose();
    }
}
