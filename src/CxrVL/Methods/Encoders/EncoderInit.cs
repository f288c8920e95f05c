using CxrVL.Models;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// Per-encoder initial weights (<c>model.image.init</c>, <c>model.text.init</c>): each encoder of a method is filled from
/// its own file, folder or package weight, strictly (every encoder key must be in the file; the file's extra keys are
/// only a classifier head or BERT's pooler), and the parts no file fills (projection heads) are reported as new.
/// </summary>
public static class EncoderInit
{
    /// <summary>
    /// Makes the recipe follow its initial weights before a model is built: the ResNet's blocks per stage from the image
    /// file, the BERT's config.json and tokenizer from the text folder. Run before the run's config.yaml is written, so
    /// the file records what the model was built from.
    /// </summary>
    public static void Resolve(PretrainModelConfig model, TextWriter? log = null)
    {
        if (model.Image.Init is { } image)
        {
            var files = InitialWeights.Locate(image, "model.image.init", log);
            if (model.Image.Backbone.StartsWith("resnet", StringComparison.OrdinalIgnoreCase))
                model.Image.Layers = ResNetLayers(files.Weights, model.Image);
        }
        if (model.Text.Init is { } text)
        {
            if (model.Text.TrainVocabulary is not null)
                throw new CxrVLException("model.text.init brings its own vocabulary; remove model.text.train_vocabulary (or model.text.init).");
            var files = InitialWeights.Locate(text, "model.text.init", log);
            var folder = files.Folder;
            var config = Path.Combine(folder, "config.json");
            if (!File.Exists(config))
                throw new CxrVLException($"model.text.init '{text}': '{folder}' has no config.json; a text encoder is initialised from a Hugging Face model folder " +
                                         "(config.json, model.safetensors or pytorch_model.bin, vocab.txt or tokenizer.json).");
            if (!File.Exists(Path.Combine(folder, "vocab.txt")) && !File.Exists(Path.Combine(folder, "tokenizer.json")))
                throw new CxrVLException($"model.text.init '{text}': '{folder}' has neither vocab.txt nor tokenizer.json; the tokenizer must come with the weights.");
            // A config.json the recipe names besides would be silently replaced: one or the other.
            if (model.Text.ConfigJson is { } named && Path.GetFullPath(named) != Path.GetFullPath(config))
                throw new CxrVLException($"model.text.init '{text}' brings its own config.json, so model.text.config_json '{named}' would be ignored: " +
                                         "remove model.text.config_json, or set model.text.init=null to build the encoder from it.");
            model.Text.ConfigJson = config;
            model.Text.Tokenizer = folder;
        }
    }

    /// <summary>Fills the method's encoders from the recipe's initial weights; null when the recipe names none.</summary>
    public static EncoderInitReport? Load(IPretrainingMethod method, PretrainModelConfig model)
    {
        if (model.Image.Init is null && model.Text.Init is null)
            return null;
        var parts = new List<EncoderInitPart>();
        if (model.Image.Init is { } image)
            parts.Add(LoadImage(method.Model, method.ImageBackbone, InitialWeights.Locate(image, "model.image.init")));
        if (model.Text.Init is { } text)
        {
            if (method.TextBackbone is null)
                throw new CxrVLException("model.text.init: this method has no BERT text encoder to initialise.");
            parts.Add(LoadText(method.Model, method.TextBackbone, InitialWeights.Locate(text, "model.text.init")));
        }
        var filled = parts.Select(p => p.Module + ".").ToList();
        var fresh = method.Model.state_dict().Keys
            .Where(k => !filled.Any(f => k.StartsWith(f, StringComparison.Ordinal)))
            .Select(k => Group(k, filled))
            .Distinct()
            .ToList();
        return new EncoderInitReport(parts, fresh);
    }

    private static List<int> ResNetLayers(string weights, ImageEncoderConfig image)
    {
        var named = ResNetConfig.Named(image.Backbone);
        var blocks = InitialWeights.ResNetOf(CheckpointReader.Inspect(weights).Tensors.Select(t => t.Name), image.Backbone, "model.image.backbone", weights, "model.image.init").BlocksPerStage;
        return blocks.SequenceEqual(named.BlocksPerStage) ? [] : [.. blocks];
    }

    private static EncoderInitPart LoadImage(nn.Module model, string path, InitialWeightsFile files)
    {
        var module = Find(model, path);
        using var read = CheckpointReader.Read(files.Weights);
        string? note = null;
        KeyMap map;
        var entries = read.ToList();
        if (module is ResNet resnet)
        {
            map = resnet.Config.Classes is null ? KeyMap.Identity.DropPrefix("fc.") : KeyMap.Identity;
            var target = resnet.Config.InputChannels;
            var stem = entries.FindIndex(e => e.Key == "conv1.weight");
            if (stem >= 0 && entries[stem].Value.shape[1] != target)
            {
                // PRIOR's 1-channel stem from an RGB one (the sum of the kernels), as PRIOR's own loader does.
                entries[stem] = new(entries[stem].Key, StemWeights.ToChannels(entries[stem].Value, target));
                note = $"conv1 converted from {read["conv1.weight"].shape[1]} to {target} input channels";
            }
        }
        else if (module is VisionTransformer)
        {
            map = (VitKeyMaps.IsTorchvision(read.Keys) ? VitKeyMaps.Torchvision : KeyMap.Identity).DropPrefix("head.");
        }
        else
        {
            throw new CxrVLException($"model.image.init: {path} is not a ResNet or ViT backbone.");
        }
        using var weights = StateDict.Borrow(entries);
        // A CLIP attention pool inside the ResNet is the method's, not ImageNet's: it starts new.
        var report = StateDictLoader.Load(module, weights, map, allowMissing: ["attnpool."], source: $"{files.Source} (model.image.init)");
        if (note is not null)
            entries.First(e => e.Key == "conv1.weight").Value.Dispose();
        return new EncoderInitPart("image", path, files.Source, report.Loaded.Count, report.Dropped, note);
    }

    private static EncoderInitPart LoadText(nn.Module model, string path, InitialWeightsFile files)
    {
        var module = Find(model, path);
        if (module is not BertModel bert)
            throw new CxrVLException($"model.text.init: {path} is not a BERT.");
        using var read = CheckpointReader.Read(files.Weights);
        var map = BertKeyMaps.Encoder;
        if (!bert.Config.AddPoolingLayer)
            map = map.DropPrefix("pooler.");
        var report = StateDictLoader.Load(bert, read, map, source: $"{files.Source} (model.text.init)");
        return new EncoderInitPart("text", path, files.Source, report.Loaded.Count, report.Dropped, null);
    }

    private static nn.Module Find(nn.Module model, string path) =>
        model.named_modules().FirstOrDefault(m => m.name == path).module
        ?? throw new InvalidOperationException($"the model has no module '{path}'.");

    /// <summary>The module path a new key is reported under: its first segment, or two where the first holds a filled encoder.</summary>
    private static string Group(string key, IReadOnlyList<string> filled)
    {
        var parts = key.Split('.');
        return parts.Length > 1 && filled.Any(f => f.StartsWith(parts[0] + ".", StringComparison.Ordinal)) ? $"{parts[0]}.{parts[1]}" : parts[0];
    }
}
