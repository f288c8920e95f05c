using CxrVL.Configuration;
using CxrVL.Models;
using CxrVL.Runs;
using CxrVL.Tasks.Pretraining;
using CxrVL.Training.Checkpoints;
using CxrVL.Weights;
using CxrVL.Weights.Packages;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Builds the encoder <c>--encoder</c> names: <c>random</c>; a <c>cxrvl pretrain</c> run folder or checkpoint of any
/// method (its image encoder, by the run's recipe); a package weight by name (<c>resnet18-imagenet</c>); or a weights
/// file (ImageNet or official, torchvision / timm names; a ResNet's blocks per stage are read from the file). Loading
/// is strict: every encoder tensor must be filled, and only classifier heads (and, for average pooling, the final
/// <c>norm</c> that <c>fc_norm</c> replaces) may be left over. A ViT's BEiT parts (relative position tables, layer
/// scales) start fresh, and a position table of another grid is resampled bicubically (as timm and mmseg load).
/// </summary>
public static class EncoderLoader
{
    /// <summary>Where each method's run keeps its image backbone: clip/gloria/mgca, PRIOR, MRM, MedST.</summary>
    private static readonly string[] RunBackbonePrefixes = ["image_encoder.backbone.", "image_encoder.encoder.", "encoder.", "image_encoder."];

    /// <summary>A key every backbone of the kind has, to recognise the prefix it sits under.</summary>
    private static readonly string[] BackboneMarkers = ["conv1.weight", "patch_embed.proj.weight"];

    /// <param name="backboneKey">the setting that names the backbone, for error messages (<c>model.visual_extractor</c> in report generation)</param>
    /// <param name="sourceKey">the setting that names the weights, for error messages</param>
    public static LoadedEncoder Load(FinetuneEncoderConfig config, Device device, int seed, string backboneKey = "encoder.backbone", string sourceKey = "encoder.source")
    {
        manual_seed(seed);
        if (string.Equals(config.Source, "random", StringComparison.OrdinalIgnoreCase))
            return new LoadedEncoder(Build(config, config.Backbone, config.InputChannels, config.ImageSize, config.Layers).to(device),
                config.Backbone, $"random {config.Backbone}", null);
        if (PackageWeights.Find(config.Source) is null && !File.Exists(config.Source) && !Directory.Exists(config.Source) && SeedWeights.IsSeed(config.Source))
            throw SeedWeights.Missing(sourceKey, config.Source);
        if (PackageWeights.Find(config.Source) is null && !File.Exists(config.Source) && !Directory.Exists(config.Source))
            throw new CxrVLException($"encoder '{config.Source}' does not exist: pass 'random', a cxrvl pretrain run folder or checkpoint, a package weight " +
                                     $"({string.Join(", ", PackageWeights.All.Where(w => w.Part == "image").Select(w => w.Name))}) or a weights file.");

        var weights = PackageWeights.Find(config.Source) is not null ? InitialWeights.Locate(config.Source, sourceKey).Weights
            : Directory.Exists(config.Source) ? CheckpointStore.ResolveWeights(config.Source) : config.Source;
        var averagePooling = config.Pooling == VitPooling.Average;
        if (FindRunConfig(weights) is { } runConfig)
        {
            var pretrain = PretrainRecipes.LoadRun(runConfig);
            var image = pretrain.Model.Image;
            var module = Build(config, image.Backbone, image.InputChannels, image.ImageSize, image.Layers);
            using var state = CheckpointReader.Read(weights);
            var prefix = RunBackbonePrefix(state.Keys, weights);
            var map = KeyMap.Identity.KeepPrefixes(prefix).StripPrefix(prefix)
                // MedST's lateral-view experts: fine-tuning reads frontal images through the shared blocks.
                .Replace(@"^blocks\.\d+\.(mlp_l|norm2_l)\.", "lateral_expert.$0").DropPrefix("lateral_expert.");
            var report = LoadInto(module, state, averagePooling ? map.DropPrefix("norm.") : map, averagePooling, weights);
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
            // A ResNet has the blocks per stage of its file (the package ResNet-18 has three in its last stage).
            var layers = isVit ? [] : InitialWeights.ResNetOf(state.Keys.Select(map.Map).OfType<string>(), config.Backbone, backboneKey, weights, sourceKey).BlocksPerStage;
            var module = Build(config, config.Backbone, config.InputChannels, config.ImageSize, layers);
            var report = LoadInto(module, state, map, averagePooling, weights);
            return new LoadedEncoder(module.to(device), config.Backbone, $"{config.Backbone} from {config.Source} ({report.Loaded.Count} tensors)", null);
        }
    }

    private static nn.Module Build(FinetuneEncoderConfig config, string backbone, int inputChannels, int imageSize, IReadOnlyList<int> layers) =>
        Build(backbone, inputChannels, imageSize, config.DropPath, config.Pooling, layers, config.RelativePositionBias, config.LayerScale);

    /// <summary>Strict load of an encoder: its position table at the module's grid, its fresh parts allowed to be missing.</summary>
    private static LoadReport LoadInto(nn.Module module, StateDict state, KeyMap map, bool averagePooling, string source)
    {
        using var scope = NewDisposeScope();
        using var resampled = WithModuleGrid(module, state, map);
        return StateDictLoader.Load(module, resampled, map, allowMissing: FreshParts(module, averagePooling), source: source);
    }

    /// <summary>Module keys a checkpoint need not hold: a fresh <c>fc_norm</c> and a ViT's BEiT parts.</summary>
    private static string[]? FreshParts(nn.Module module, bool averagePooling)
    {
        if (module is not VisionTransformer vit)
            return null;
        var beit = Enumerable.Range(0, vit.Config.Depth).SelectMany(i => new[]
        {
            vit.Config.RelativePositionBias ? $"blocks.{i}.attn.relative_position_bias_table" : null,
            vit.Config.LayerScaleInit is null ? null : $"blocks.{i}.gamma_",
        }).OfType<string>();
        return [.. averagePooling ? ["fc_norm."] : Array.Empty<string>(), .. beit];
    }

    /// <summary>The checkpoint with its ViT position table resampled to the module's grid when the grids differ (MRM's 14 x 14 into a 512-pixel model's 32 x 32).</summary>
    private static StateDict WithModuleGrid(nn.Module module, StateDict state, KeyMap map)
    {
        if (module is not VisionTransformer vit)
            return StateDict.Borrow(state);
        var grid = vit.Config.GridSize;
        return StateDict.Borrow(state.Select(p => map.Map(p.Key) == "pos_embed" && p.Value.dim() == 3 && p.Value.shape[1] != grid * grid + 1
            ? KeyValuePair.Create(p.Key, PositionEmbeddings.Resample(p.Value, 1, grid, grid))
            : p));
    }

    /// <summary>
    /// A fresh ResNet (with <paramref name="layers"/> blocks per stage when given) or ViT without classifier head; a ViT
    /// optionally with BEiT's relative position bias and layer scale.
    /// </summary>
    public static nn.Module Build(string backbone, int inputChannels, int imageSize, double dropPath, VitPooling pooling = VitPooling.ClassToken,
                                  IReadOnlyList<int>? layers = null, bool relativePositionBias = false, double? layerScale = null)
    {
        var name = backbone.ToLowerInvariant();
        if (name.StartsWith("resnet", StringComparison.Ordinal))
        {
            if (relativePositionBias || layerScale is not null)
                throw new CxrVLException($"encoder.relative_position_bias and encoder.layer_scale are parts of a ViT block; the backbone is {backbone}.");
            var resnet = ResNetConfig.Named(name) with { InputChannels = inputChannels };
            return new ResNet(layers is { Count: > 0 } ? resnet with { BlocksPerStage = layers } : resnet);
        }
        if (name.StartsWith("vit", StringComparison.Ordinal))
            return new VisionTransformer(VisionTransformerConfig.Named(name) with
            {
                InputChannels = inputChannels,
                ImageSize = imageSize,
                DropPathRate = dropPath,
                Pooling = pooling,
                RelativePositionBias = relativePositionBias,
                LayerScaleInit = layerScale,
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

    private static string? FindRunConfig(string weights) =>
        RunFolder.FindAbove(weights, dir => File.Exists(Path.Combine(dir, "config.yaml")) && Directory.Exists(Path.Combine(dir, "checkpoints"))) is { } run
            ? Path.Combine(run, "config.yaml")
            : null;
}
