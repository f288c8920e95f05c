using CxrVL.Models;
using CxrVL.Weights;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

/// <summary>
/// Our backbones against PyTorch 1.13: the reference script saves random-init torchvision ResNet-50 and ViT-B/16
/// and a small Hugging Face-named BERT with their outputs on a fixed input; we load the <c>.pt</c> files by name
/// (strict) and must reproduce the outputs to 1e-4.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class BackboneParityTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-models-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private StateDict Reference(string what, string file)
    {
        if (!File.Exists(Path.Combine(_directory, file)))
            PythonReference.Run(ModelReference.Script, what, _directory);
        return CheckpointReader.Read(Path.Combine(_directory, file));
    }

    private void AssertClose(string name, Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        var difference = (expected - actual).abs().max().item<float>();
        output.WriteLine($"{name}: max |difference| {difference:0.0e+0} (reference max |value| {expected.abs().max().item<float>():0.00})");
        Assert.True(difference < Tolerance, $"{name}: max difference {difference} exceeds {Tolerance}");
    }

    [Fact]
    public void ResNet50MatchesTorchvision()
    {
        using var scope = NewDisposeScope();
        using var weights = Reference("resnet50", "weights.pt");
        using var io = Reference("resnet50", "io.pt");
        using var model = new ResNet(ResNetConfig.ResNet50(classes: 1000));
        var report = StateDictLoader.Load(model, weights, source: "weights.pt");
        model.eval();

        using var noGrad = no_grad();
        var features = model.forward(io["input"]);

        Assert.Equal(320, report.Loaded.Count);
        AssertClose("resnet50 pooled", io["pooled"], features.Pooled);
        AssertClose("resnet50 logits", io["logits"], features.Logits!);

        // The same through `cxrvl weights forward`'s library call: fc dropped, pooled features stored under 'output'.
        var result = ForwardThroughFiles("resnet50", io["input"]);
        Assert.Equal(["fc.weight", "fc.bias"], result.Load.Dropped);
        using var stored = SafeTensors.Read(Path.Combine(_directory, "out.safetensors"));
        AssertClose("weights forward resnet50", io["pooled"], stored["output"]);
    }

    private BackboneForwardResult ForwardThroughFiles(string arch, Tensor input, string? config = null)
    {
        var inputPath = Path.Combine(_directory, "in.safetensors");
        using (var inputs = StateDict.Borrow([KeyValuePair.Create("input", input)]))
            SafeTensors.Write(inputPath, inputs);
        return BackboneForward.Run(
            new BackboneForwardRequest(arch, Path.Combine(_directory, "weights.pt"), inputPath, Path.Combine(_directory, "out.safetensors"), config),
            CPU);
    }

    [Fact]
    public void VitB16MatchesTorchvisionThroughTheKeyMap()
    {
        using var scope = NewDisposeScope();
        using var weights = Reference("vit_b_16", "weights.pt");
        using var io = Reference("vit_b_16", "io.pt");
        var config = VisionTransformerConfig.Base16(classes: 1000);
        using var model = new VisionTransformer(config);
        Assert.True(VitKeyMaps.IsTorchvision(weights.Keys));
        StateDictLoader.Load(model, weights, VitKeyMaps.Torchvision, source: "weights.pt");
        model.eval();

        using var noGrad = no_grad();
        var features = model.forward(io["input"]);

        AssertClose("vit_b_16 normalised tokens", io["tokens"], features.Tokens);
        AssertClose("vit_b_16 logits", io["logits"], features.Logits!);

        var result = ForwardThroughFiles("vit_b16", io["input"]);
        Assert.Equal(["heads.head.weight", "heads.head.bias"], result.Load.Dropped);
        using var stored = SafeTensors.Read(Path.Combine(_directory, "out.safetensors"));
        AssertClose("weights forward vit_b16", io["tokens"], stored["output"]);
    }

    [Fact]
    public void BertMatchesHuggingFaceNamedReference()
    {
        using var scope = NewDisposeScope();
        using var io = Reference("bert", "io.pt");
        var config = BertConfig.Load(Path.Combine(_directory, "config.json"));
        Assert.Equal(2, config.NumHiddenLayers);
        var input = new BertInput
        {
            InputIds = io["input_ids"],
            AttentionMask = io["attention_mask"],
            OutputHiddenStates = true,
            OutputAttentions = true,
        };
        using var noGrad = no_grad();

        using var encoder = new BertModel(config);
        using (var weights = CheckpointReader.Read(Path.Combine(_directory, "weights.pt")))
            StateDictLoader.Load(encoder, weights, source: "weights.pt");
        encoder.eval();
        var encoding = encoder.forward(input);
        AssertClose("bert last_hidden_state", io["last_hidden_state"], encoding.LastHiddenState);
        AssertClose("bert pooler_output", io["pooler_output"], encoding.PoolerOutput!);
        AssertClose("bert hidden_states", io["hidden_states"], stack(encoding.HiddenStates!));
        AssertClose("bert attentions", io["attentions"], stack(encoding.Attentions!));

        using var maskedLm = new BertForMaskedLM(config);
        using (var weights = CheckpointReader.Read(Path.Combine(_directory, "mlm_weights.pt")))
        {
            var report = StateDictLoader.Load(maskedLm, weights, BertKeyMaps.MaskedLm, source: "mlm_weights.pt");
            Assert.Equal(["cls.predictions.decoder.weight"], report.Dropped);
        }
        maskedLm.eval();
        AssertClose("bert masked-LM logits", io["mlm_logits"], maskedLm.forward(input).Logits);

        using var decoder = new BertModel(config with { IsDecoder = true, AddCrossAttention = true, AddPoolingLayer = false });
        using (var weights = CheckpointReader.Read(Path.Combine(_directory, "decoder_weights.pt")))
            StateDictLoader.Load(decoder, weights, source: "decoder_weights.pt");
        decoder.eval();
        var decoded = decoder.forward(input with { EncoderHiddenStates = io["memory"], EncoderAttentionMask = io["memory_mask"] });
        AssertClose("bert causal decoder with cross-attention", io["decoder_output"], decoded.LastHiddenState);
    }
}
