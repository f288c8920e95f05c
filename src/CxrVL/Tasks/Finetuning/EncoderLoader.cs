using CxrVL.Configuration;
using CxrVL.Models;
using CxrVL.Tasks.Pretraining;
using CxrVL.Training.Checkpoints;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Builds the encoder <c>--encoder</c> names: <c>random</c>; a <c>cxrvl pretrain</c> run folder or checkpoint (its image
/// encoder, by the run's recipe); or a weights file (ImageNet or official, torchvision / timm names). Loading is strict:
/// every encoder tensor must be filled, and only classifier heads may be left over.
/// </summary>
public static class EncoderLoader
{
    private const string PretrainPrefix = "image_encoder.backbone.";

    public static LoadedEncoder Load(FinetuneEncoderConfig config, Device device, int seed)
    {
        manual_seed(seed);
        if (string.Equals(config.Source, "random", StringComparison.OrdinalIgnoreCase))
            return new LoadedEncoder(Build(config.Backbone, config.InputChannels, config.ImageSize, config.DropPath).to(device), config.Backbone,
                $"random {config.Backbone}", null);
        if (!File.Exists(config.Source) && !Directory.Exists(config.Source))
            throw new CxrVLException($"encoder '{config.Source}' does not exist: pass 'random', a cxrvl pretrain run folder or checkpoint, or a weights file.");

        var weights = Directory.Exists(config.Source) ? CheckpointStore.ResolveWeights(config.Source) : config.Source;
        if (FindRunConfig(weights) is { } runConfig)
        {
            var pretrain = ConfigLoader.Load<PretrainConfig>(runConfig);
            var image = pretrain.Model.Image;
            var module = Build(image.Backbone, image.InputChannels, image.ImageSize, config.DropPath);
            using var state = CheckpointReader.Read(weights);
            var map = KeyMap.Identity.KeepPrefixes(PretrainPrefix).StripPrefix(PretrainPrefix);
            var report = StateDictLoader.Load(module, state, map, source: weights);
            return new LoadedEncoder(module.to(device), image.Backbone, $"{image.Backbone} from {weights} ({report.Loaded.Count} tensors)", pretrain.Data.ImageRecipe);
        }

        using (var state = CheckpointReader.Read(weights))
        {
            var isVit = config.Backbone.StartsWith("vit", StringComparison.OrdinalIgnoreCase);
            var map = config.KeyMap is { Length: > 0 } rules ? KeyMap.Parse(rules)
                : isVit && VitKeyMaps.IsTorchvision(state.Keys) ? VitKeyMaps.Torchvision : KeyMap.Identity;
            map = map.DropPrefix(isVit ? "head." : "fc.");
            var module = Build(config.Backbone, config.InputChannels, config.ImageSize, config.DropPath);
            var report = StateDictLoader.Load(module, state, map, source: weights);
            return new LoadedEncoder(module.to(device), config.Backbone, $"{config.Backbone} from {weights} ({report.Loaded.Count} tensors)", null);
        }
    }

    /// <summary>A fresh ResNet or ViT without classifier head.</summary>
    public static nn.Module Build(string backbone, int inputChannels, int imageSize, double dropPath)
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
            });
        throw new CxrVLException($"unknown encoder backbone '{backbone}': use resnet18, resnet50, resnet101, vit_s16 or vit_b16.");
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
