using CxrVL.Configuration;
using CxrVL.Models;
using CxrVL.Tasks.Pretraining;
using CxrVL.Training.Checkpoints;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Builds the encoder <c>--encoder</c> names: <c>random</c>; a <c>cxrvl pretrain</c> run folder or checkpoint of any
/// method (its image encoder, by the run's recipe); or a weights file (ImageNet or official, torchvision / timm names).
/// Loading is strict: every encoder tensor must be filled, and only classifier heads (and, for average pooling, the
/// final <c>norm</c> that <c>fc_norm</c> replaces) may be left over.
/// </summary>
public static class EncoderLoader
{
    /// <summary>Where each method's run keeps its image backbone: clip/gloria/mgca, PRIOR, MRM, MedST.</summary>
    private static readonly string[] RunBackbonePrefixes = ["image_encoder.backbone.", "image_encoder.encoder.", "encoder.", "image_encoder."];

    /// <summary>A key every backbone of the kind has, to recognise the prefix it sits under.</summary>
    private static readonly string[] BackboneMarkers = ["conv1.weight", "patch_embed.proj.weight"];

    public static LoadedEncoder Load(FinetuneEncoderConfig config, Device device, int seed)
    {
        manual_seed(seed);
        if (string.Equals(config.Source, "random", StringComparison.OrdinalIgnoreCase))
            return new LoadedEncoder(Build(config.Backbone, config.InputChannels, config.ImageSize, config.DropPath, config.Pooling).to(device),
                config.Backbone, $"random {config.Backbone}", null);
        if (!File.Exists(config.Source) && !Directory.Exists(config.Source))
            throw new CxrVLException($"encoder '{config.Source}' does not exist: pass 'random', a cxrvl pretrain run folder or checkpoint, or a weights file.");

        var weights = Directory.Exists(config.Source) ? CheckpointStore.ResolveWeights(config.Source) : config.Source;
        var averagePooling = config.Pooling == VitPooling.Average;
        if (FindRunConfig(weights) is { } runConfig)
        {
            var pretrain = ConfigLoader.Load<PretrainConfig>(runConfig);
            var image = pretrain.Model.Image;
            var module = Build(image.Backbone, image.InputChannels, image.ImageSize, config.DropPath, config.Pooling);
            using var state = CheckpointReader.Read(weights);
            var prefix = RunBackbonePrefix(state.Keys, weights);
            var map = KeyMap.Identity.KeepPrefixes(prefix).StripPrefix(prefix)
                // MedST's lateral-view experts: fine-tuning reads frontal images through the shared blocks.
                .Replace(@"^blocks\.\d+\.(mlp_l|norm2_l)\.", "lateral_expert.$0").DropPrefix("lateral_expert.");
            var report = StateDictLoader.Load(module, state, averagePooling ? map.DropPrefix("norm.") : map,
                allowMissing: averagePooling ? ["fc_norm."] : null, source: weights);
            return new LoadedEncoder(module.to(device), image.Backbone, $"{image.Backbone} from {weights} ({report.Loaded.Count} tensors)", pretrain.Data.ImageRecipe);
        }

        using (var state = CheckpointReader.Read(weights))
        {
            var isVit = config.Backbone.StartsWith("vit", StringComparison.OrdinalIgnoreCase);
            var map = config.KeyMap is { Length: > 0 } rules ? KeyMap.Parse(rules)
                : isVit && VitKeyMaps.IsTorchvision(state.Keys) ? VitKeyMaps.Torchvision : KeyMap.Identity;
            map = map.DropPrefix(isVit ? "head." : "fc.");
            if (isVit && averagePooling)
                map = map.DropPrefix("norm.");
            var module = Build(config.Backbone, config.InputChannels, config.ImageSize, config.DropPath, config.Pooling);
            var report = StateDictLoader.Load(module, state, map, allowMissing: isVit && averagePooling ? ["fc_norm."] : null, source: weights);
            return new LoadedEncoder(module.to(device), config.Backbone, $"{config.Backbone} from {weights} ({report.Loaded.Count} tensors)", null);
        }
    }

    /// <summary>A fresh ResNet or ViT without classifier head.</summary>
    public static nn.Module Build(string backbone, int inputChannels, int imageSize, double dropPath, VitPooling pooling = VitPooling.ClassToken)
    {
        var name = backbone.ToLowerInvariant();
        if (name.StartsWith("resnet", StringComparison.Ordinal))
            return new ResNet(ResNetConfig.Named(name) with { InputChannels = inputChannels });
        if (name.StartsWith("vit", StringComparison.Ordinal))
            return new VisionTransformer(VisionTransformerConfig.Named(name) with
            {
                InputChannels = inputChannels,
                ImageSize = imageSize,
                DropPathRate = dropPath,
                Pooling = pooling,
            });
        throw new CxrVLException($"unknown encoder backbone '{backbone}': use resnet18, resnet50, resnet101, vit_s16 or vit_b16.");
    }

    private static string RunBackbonePrefix(IEnumerable<string> keys, string weights)
    {
        var names = keys.ToHashSet(StringComparer.Ordinal);
        return RunBackbonePrefixes.FirstOrDefault(p => BackboneMarkers.Any(m => names.Contains(p + m)))
               ?? throw new CxrVLException($"{weights} holds no image backbone under any of {string.Join(", ", RunBackbonePrefixes.Select(p => $"'{p}'"))} " +
                                           "(no conv1.weight or patch_embed.proj.weight): is it a cxrvl pretrain checkpoint?");
    }

    private static string? FindRunConfig(string weights)
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(weights))!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "config.yaml")) && Directory.Exists(Path.Combine(dir.FullName, "checkpoints")))
                return Path.Combine(dir.FullName, "config.yaml");
        }
        return null;
    }
}
