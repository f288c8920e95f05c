
namespace CxrVL.Weights;

/// <summary>
/// Recognises backbones (torchvision ResNet, timm ViT, Hugging Face BERT) by their key names and shapes, wherever
/// they sit in the key tree, and the checkpoint layouts of the reference systems (PRIOR, MRM, MGCA, MedST).
/// </summary>
public static class ArchitectureDetector
{
    private static readonly string[] ResNetParts = ["conv1.", "bn1.", "layer1.", "layer2.", "layer3.", "layer4.", "fc."];
    private static readonly string[] VitParts = ["patch_embed.", "cls_token", "pos_embed", "blocks.", "norm.", "fc_norm.", "head."];
    private static readonly string[] BertParts = ["embeddings.", "encoder.", "pooler."];

    public static ArchitectureReport Detect(IReadOnlyList<TensorInfo> tensors)
    {
        var byName = tensors.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var models = new List<(int Order, DetectedModel Model)>();
        for (var i = 0; i < tensors.Count; i++)
        {
            var name = tensors[i].Name;
            var model = Suffix(name, "layer1.0.conv1.weight") is { } resnet ? ResNet(resnet, byName, tensors)
                : Suffix(name, "patch_embed.proj.weight") is { } vit ? Vit(vit, byName, tensors)
                : Suffix(name, "embeddings.word_embeddings.weight") is { } bert ? Bert(bert, byName, tensors)
                : null;
            if (model is not null)
                models.Add((i, model));
        }
        var found = models.OrderBy(m => m.Order).Select(m => m.Model).ToList();
        return new ArchitectureReport(Layout(byName, found), found);
    }

    private static string? Suffix(string name, string suffix) =>
        name.EndsWith(suffix, StringComparison.Ordinal) && (name.Length == suffix.Length || name[^(suffix.Length + 1)] == '.')
            ? name[..^suffix.Length] : null;

    private static DetectedModel ResNet(string prefix, Dictionary<string, TensorInfo> byName, IReadOnlyList<TensorInfo> tensors)
    {
        var blocks = Enumerable.Range(1, 4).Select(layer => Count(byName, i => $"{prefix}layer{layer}.{i}.conv1.weight")).ToArray();
        var bottleneck = byName.ContainsKey($"{prefix}layer1.0.conv3.weight");
        var name = (bottleneck, string.Join('-', blocks)) switch
        {
            (false, "2-2-2-2") => "resnet18",
            (false, "3-4-6-3") => "resnet34",
            (true, "3-4-6-3") => "resnet50",
            (true, "3-4-23-3") => "resnet101",
            (true, "3-8-36-3") => "resnet152",
            var (_, counts) => $"resnet ({(bottleneck ? "bottleneck" : "basic")} blocks {counts})",
        };
        var details = new List<string>();
        if (byName.TryGetValue($"{prefix}conv1.weight", out var stem))
            details.Add(stem.Shape[1] == 1 ? "1-channel stem" : $"{stem.Shape[1]}-channel stem");
        details.Add(byName.TryGetValue($"{prefix}fc.weight", out var fc) ? $"fc {fc.Shape[1]}->{fc.Shape[0]}" : "no fc");
        return new DetectedModel(prefix, name, string.Join(", ", details), Parameters(prefix, ResNetParts, tensors));
    }

    private static DetectedModel Vit(string prefix, Dictionary<string, TensorInfo> byName, IReadOnlyList<TensorInfo> tensors)
    {
        var patch = byName[$"{prefix}patch_embed.proj.weight"];
        if (patch.Shape.Count != 4)
            return new DetectedModel(prefix, "vit (unrecognised patch embedding)", patch.ShapeText, Parameters(prefix, VitParts, tensors));
        var (width, size) = (patch.Shape[0], patch.Shape[2]);
        var depth = Count(byName, i => $"{prefix}blocks.{i}.attn.qkv.weight");
        var name = (width, depth) switch
        {
            (192, 12) => $"vit_ti{size}",
            (384, 12) => $"vit_s{size}",
            (768, 12) => $"vit_b{size}",
            (1024, 24) => $"vit_l{size}",
            _ => $"vit (width {width}, depth {depth}, patch {size})",
        };
        var details = new List<string> { $"{patch.Shape[1]}-channel input" };
        if (byName.TryGetValue($"{prefix}pos_embed", out var position) && position.Shape.Count == 3)
            details.Add($"{position.Shape[1]} positions");
        if (byName.ContainsKey($"{prefix}blocks.0.mlp_l.fc1.weight"))
            details.Add("lateral-view experts (mlp_l)");
        details.Add(byName.TryGetValue($"{prefix}head.weight", out var head) ? $"head {head.Shape[1]}->{head.Shape[0]}" : "no head");
        return new DetectedModel(prefix, name, string.Join(", ", details), Parameters(prefix, VitParts, tensors));
    }

    private static DetectedModel Bert(string prefix, Dictionary<string, TensorInfo> byName, IReadOnlyList<TensorInfo> tensors)
    {
        var words = byName[$"{prefix}embeddings.word_embeddings.weight"];
        var (vocabulary, hidden) = (words.Shape[0], words.Shape.Count > 1 ? words.Shape[1] : 0);
        var layers = Count(byName, i => $"{prefix}encoder.layer.{i}.attention.self.query.weight");
        var name = (hidden, layers) switch
        {
            (768, 12) => "bert-base",
            (1024, 24) => "bert-large",
            _ => $"bert (hidden {hidden}, {layers} layers)",
        };
        var details = new List<string> { $"vocabulary {vocabulary}" };
        if (byName.ContainsKey($"{prefix}encoder.layer.0.crossattention.self.query.weight"))
            details.Add("cross-attention (decoder)");
        if (byName.ContainsKey($"{prefix}pooler.dense.weight"))
            details.Add("pooler");
        return new DetectedModel(prefix, name, string.Join(", ", details), Parameters(prefix, BertParts, tensors));
    }

    private static string Layout(Dictionary<string, TensorInfo> byName, List<DetectedModel> models)
    {
        bool Has(string key) => byName.ContainsKey(key);
        bool HasPrefix(string prefix) => byName.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        DetectedModel? At(string prefix) => models.FirstOrDefault(m => m.Prefix == prefix);

        if (At("image_encoder.encoder.") is not null && (Has("sentence_bank.embed.weight") || Has("prototype_queries")))
            return "PRIOR image+text model (ResNet-50 + BERT, prototype bank, decoders)";
        if (Has("mask_token") && HasPrefix("decoder_") && At("")?.Architecture.StartsWith("vit", StringComparison.Ordinal) == true)
            return "MRM pretraining checkpoint (timm ViT encoder + MAE decoder" + (HasPrefix("bert_") ? " + report BERT)" : ")");
        if (At("img_encoder_q.model.") is { } image)
        {
            var method = image.Details.Contains("mlp_l", StringComparison.Ordinal) ? "MedST" : "MGCA";
            var text = At("text_encoder_q.model.") is not null ? " + BERT" : "";
            return $"{method} Lightning model ({image.Architecture}{text}, projection heads)";
        }
        if (models.Count == 1 && models[0].Prefix == "")
        {
            var model = models[0];
            if (model.Architecture == "resnet50" && model.Details.Contains("1-channel stem", StringComparison.Ordinal) && !Has("fc.weight"))
                return "PRIOR vision encoder (torchvision ResNet-50 with 1-channel stem, no fc)";
            return model.Architecture switch
            {
                var a when a.StartsWith("resnet", StringComparison.Ordinal) => $"torchvision {a}",
                var a when a.StartsWith("vit", StringComparison.Ordinal) => $"timm {a}",
                var a => $"Hugging Face {a}",
            };
        }
        return models.Count == 0 ? "unknown (no ResNet, ViT or BERT keys)" : string.Join(" + ", models.Select(m => $"{m.Prefix}{m.Architecture}"));
    }

    private static int Count(Dictionary<string, TensorInfo> byName, Func<int, string> key)
    {
        var count = 0;
        while (byName.ContainsKey(key(count)))
            count++;
        return count;
    }

    /// <summary>Parameter values (buffers left out) of the backbone's own top-level modules under the prefix (not of heads or decoders beside it).</summary>
    private static long Parameters(string prefix, string[] parts, IReadOnlyList<TensorInfo> tensors) =>
        tensors.Where(t => !t.IsBuffer && t.Name.StartsWith(prefix, StringComparison.Ordinal)
                           && parts.Any(part => t.Name.AsSpan(prefix.Length).StartsWith(part, StringComparison.Ordinal)))
               .Sum(t => t.NumberOfElements);
}
