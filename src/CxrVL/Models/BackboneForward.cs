using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Runs a bare backbone on a stored tensor (<c>cxrvl weights forward</c>): ResNet -> pooled features before
/// <c>fc</c> [N, C]; ViT -> the normalised token sequence [N, 1 + patches, D]; BERT -> <c>last_hidden_state</c>
/// [N, L, D]. Loading is strict; classifier heads (<c>fc</c>, <c>head</c>, BERT's <c>cls</c>) are dropped, and
/// torchvision ViT and Hugging Face <c>bert.</c> checkpoints are mapped to our names automatically.
/// </summary>
public static class BackboneForward
{
    public const string InputKey = "input";
    public const string OutputKey = "output";
    public const string AttentionMaskKey = "attention_mask";
    public const string TokenTypeIdsKey = "token_type_ids";

    public static readonly IReadOnlyList<string> Architectures = ["resnet18", "resnet50", "resnet101", "vit_s16", "vit_b16", "bert"];

    public static BackboneForwardResult Run(BackboneForwardRequest request, Device device)
    {
        var arch = request.Arch.ToLowerInvariant();
        if (!Architectures.Contains(arch))
            throw new CxrVLException($"unknown architecture '{request.Arch}': use one of {string.Join(", ", Architectures)}.");
        if (!File.Exists(request.InputPath))
            throw new CxrVLException($"input file '{request.InputPath}' not found.");
        using var scope = NewDisposeScope();
        using var inputs = SafeTensors.Read(request.InputPath);
        if (!inputs.TryGetValue(InputKey, out var input))
            throw new CxrVLException(
                $"input file '{request.InputPath}' has no tensor named '{InputKey}' (it has: {string.Join(", ", inputs.Keys)}); store the batch under '{InputKey}'.");
        using var weights = CheckpointReader.Read(request.WeightsPath, request.ReadOptions);

        var (module, report, output) = arch switch
        {
            "bert" => RunBert(request, weights, inputs, input, device),
            "vit_s16" or "vit_b16" => RunVit(arch, request, weights, input, device),
            _ => RunResNet(arch, request, weights, input, device),
        };
        using (module)
        {
            var result = output.cpu().contiguous();
            using var outputs = StateDict.Borrow([KeyValuePair.Create(OutputKey, result)]);
            SafeTensors.Write(request.OutputPath, outputs, new Dictionary<string, string> { ["arch"] = arch, ["weights"] = Path.GetFileName(request.WeightsPath) });
            return new BackboneForwardResult(arch, input.shape, result.shape, OutputKey, report);
        }
    }

    private static (nn.Module, LoadReport, Tensor) RunResNet(string arch, BackboneForwardRequest request, StateDict weights, Tensor input, Device device)
    {
        var config = ResNetConfig.Named(arch);
        if (weights.TryGetValue("conv1.weight", out var stem) && stem.dim() == 4)
            config = config with { InputChannels = (int)stem.shape[1] };
        if (weights.TryGetValue("attnpool.positional_embedding", out var table) && weights.TryGetValue("attnpool.c_proj.weight", out var projection))
        {
            var side = (int)Math.Round(Math.Sqrt(table.shape[0] - 1));
            config = config with { AttentionPool = new AttentionPoolConfig { SpatialSize = side, OutputDim = (int)projection.shape[0] } };
        }
        var model = new ResNet(config);
        var report = Load(model, weights, (request.Map ?? KeyMap.Identity).DropPrefix("fc."), request.WeightsPath, device);
        RequireFloatImages(input, request.InputPath);
        using var mode = inference_mode();
        return (model, report, model.forward(input.to(device)).Pooled);
    }

    private static (nn.Module, LoadReport, Tensor) RunVit(string arch, BackboneForwardRequest request, StateDict weights, Tensor input, Device device)
    {
        var config = VisionTransformerConfig.Named(arch);
        var map = request.Map ?? (VitKeyMaps.IsTorchvision(weights.Keys) ? VitKeyMaps.Torchvision : KeyMap.Identity);
        map = map.DropPrefix("head.");
        var shapes = weights.Select(p => (Key: map.Map(p.Key), p.Value.shape)).Where(p => p.Key is not null)
            .DistinctBy(p => p.Key).ToDictionary(p => p.Key!, p => p.shape, StringComparer.Ordinal);
        if (shapes.TryGetValue("patch_embed.proj.weight", out var patch) && patch.Length == 4)
            config = config with { PatchSize = (int)patch[2], InputChannels = (int)patch[1] };
        if (shapes.TryGetValue("pos_embed", out var table) && table.Length == 3)
            config = config with { ImageSize = (int)Math.Round(Math.Sqrt(table[1] - 1)) * config.PatchSize };
        if (shapes.ContainsKey("fc_norm.weight") && !shapes.ContainsKey("norm.weight"))
            config = config with { Pooling = VitPooling.Average };
        var model = new VisionTransformer(config);
        var report = Load(model, weights, map, request.WeightsPath, device);
        RequireFloatImages(input, request.InputPath);
        using var mode = inference_mode();
        return (model, report, model.forward(input.to(device)).Tokens);
    }

    private static (nn.Module, LoadReport, Tensor) RunBert(BackboneForwardRequest request, StateDict weights, StateDict inputs, Tensor input, Device device)
    {
        var config = request.ConfigPath is null ? new BertConfig() : BertConfig.Load(request.ConfigPath);
        var map = request.Map ?? BertKeyMaps.Encoder;
        var hasPooler = weights.Keys.Select(map.Map).Any(k => k is not null && k.StartsWith("pooler.", StringComparison.Ordinal));
        var model = new BertModel(config with { AddPoolingLayer = hasPooler });
        var report = Load(model, weights, map, request.WeightsPath, device);
        if (input.dim() != 2 || input.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new CxrVLException(
                $"input '{InputKey}' in '{request.InputPath}' must hold token ids N x L (int64 or int32); it is [{string.Join(", ", input.shape)}] {input.dtype}.");
        if (input.max().item<long>() >= config.VocabSize || input.min().item<long>() < 0)
            throw new CxrVLException($"input '{InputKey}' in '{request.InputPath}' has token ids outside [0, {config.VocabSize}) (vocab_size).");
        Tensor? Optional(string key)
        {
            if (!inputs.TryGetValue(key, out var tensor))
                return null;
            if (!tensor.shape.SequenceEqual(input.shape))
                throw new CxrVLException($"'{key}' in '{request.InputPath}' is [{string.Join(", ", tensor.shape)}]; it must match '{InputKey}' [{string.Join(", ", input.shape)}].");
            return tensor.to(ScalarType.Int64).to(device);
        }
        using var mode = inference_mode();
        var encoding = model.forward(new BertInput
        {
            InputIds = input.to(ScalarType.Int64).to(device),
            AttentionMask = Optional(AttentionMaskKey),
            TokenTypeIds = Optional(TokenTypeIdsKey),
        });
        return (model, report, encoding.LastHiddenState);
    }

    private static LoadReport Load(nn.Module model, StateDict weights, KeyMap map, string source, Device device)
    {
        var report = StateDictLoader.Load(model, weights, map, source: source);
        model.to(device);
        model.eval();
        return report;
    }

    private static void RequireFloatImages(Tensor input, string path)
    {
        if (input.dim() != 4 || !input.is_floating_point())
            throw new CxrVLException(
                $"input '{InputKey}' in '{path}' must be an image batch N x C x H x W of floats; it is [{string.Join(", ", input.shape)}] {input.dtype}.");
    }
}
