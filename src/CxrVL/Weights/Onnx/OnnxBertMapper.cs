using System.Globalization;
using System.Text.RegularExpressions;
using CxrVL.Models;
using Onnx;
using static TorchSharp.torch;

namespace CxrVL.Weights.Onnx;

/// <summary>
/// A BERT encoder exported from PyTorch: embeddings, biases and LayerNorms keep their Hugging Face initializer names,
/// while the exporter renames the <c>nn.Linear</c> weights it feeds to MatMul (as [in, out]). Each such MatMul is
/// followed by an Add of a named <c>*.bias</c>: that name gives the weight's, and the weight is transposed back to
/// [out, in]. Heads come from the Reshape that splits the query into [heads, head size]; the LayerNorm epsilon from
/// its Add (or LayerNormalization's attribute); the activation from Erf (exact GELU) or Tanh (the tanh approximation).
/// </summary>
internal static partial class OnnxBertMapper
{
    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.")]
    private static partial Regex LayerIndex();

    public static (StateDict Weights, BertConfig Config, string Summary) Map(OnnxGraph graph)
    {
        var prefix = graph.InitializerNames.First(n => n.EndsWith("embeddings.word_embeddings.weight", StringComparison.Ordinal))[..^"embeddings.word_embeddings.weight".Length];
        var weights = new StateDict();
        foreach (var name in graph.InitializerNames.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && IsBertName(n[prefix.Length..])))
        {
            var local = name[prefix.Length..];
            // A buffer transformers rebuilds itself (and newer versions no longer save).
            if (local == "embeddings.position_ids")
                continue;
            weights.Add(local, graph.Tensor(name));
        }
        foreach (var matmul in graph.Nodes.Where(n => n.OpType is "MatMul" or "Gemm"))
        {
            var weight = matmul.Input.Skip(1).Take(1).SingleOrDefault(graph.IsInitializer);
            // A weight that kept its parameter name (the pooler's, used by Gemm with transB) is already in PyTorch layout.
            if (weight is null || (weight.StartsWith(prefix, StringComparison.Ordinal) && IsBertName(weight[prefix.Length..])))
                continue;
            var bias = BiasAfter(graph, matmul, prefix);
            if (bias is null)
                throw OnnxImporter.Unmapped(graph, $"{matmul.OpType} {matmul.Name}", $"its weight '{weight}' is not followed by an Add of a named *.bias, so it cannot be named");
            var name = bias[prefix.Length..^".bias".Length] + ".weight";
            var value = graph.Tensor(weight);
            var transposed = matmul.OpType == "Gemm" && OnnxGraph.Int(matmul, "transB", 0) == 1;
            weights.Add(name, transposed ? value : value.t().contiguous());
        }

        var word = weights["embeddings.word_embeddings.weight"];
        var hidden = (int)word.shape[1];
        var layers = weights.Keys.Select(k => LayerIndex().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().Count();
        foreach (var required in new[] { "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight", "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.intermediate.dense.weight" })
        {
            if (!weights.ContainsKey(required))
            {
                weights.Dispose();
                throw OnnxImporter.Unmapped(graph, "BERT weights", $"no '{required}' was found among the initializers and MatMul weights");
            }
        }
        var config = new BertConfig
        {
            VocabSize = (int)word.shape[0],
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = Heads(graph, prefix, hidden),
            IntermediateSize = (int)weights["encoder.layer.0.intermediate.dense.weight"].shape[0],
            MaxPositionEmbeddings = (int)weights["embeddings.position_embeddings.weight"].shape[0],
            TypeVocabSize = (int)weights["embeddings.token_type_embeddings.weight"].shape[0],
            LayerNormEps = Epsilon(graph, prefix),
            HiddenAct = graph.Nodes.Any(n => n.OpType == "Erf") ? "gelu" : graph.Nodes.Any(n => n.OpType == "Tanh") ? "gelu_new" : "relu",
            AddPoolingLayer = weights.ContainsKey("pooler.dense.weight"),
        }.Validate(graph.Path);
        var summary = $"{graph.Exporter}: BERT of {layers} layers, hidden {hidden}, {config.NumAttentionHeads} heads, vocabulary {config.VocabSize}" +
                      (config.AddPoolingLayer ? ", with pooler" : "");
        return (weights, config, summary);
    }

    private static bool IsBertName(string name) =>
        name.StartsWith("embeddings.", StringComparison.Ordinal) || name.StartsWith("encoder.layer.", StringComparison.Ordinal) ||
        name.StartsWith("pooler.", StringComparison.Ordinal);

    /// <summary>The named bias added to a MatMul's output (Add(bias, y) or Add(y, bias)).</summary>
    private static string? BiasAfter(OnnxGraph graph, NodeProto matmul, string prefix) =>
        graph.Consumers(matmul.Output[0]) is [{ OpType: "Add" } add]
            ? add.Input.FirstOrDefault(i => i != matmul.Output[0] && graph.IsInitializer(i) && i.StartsWith(prefix, StringComparison.Ordinal) && i.EndsWith(".bias", StringComparison.Ordinal))
            : matmul.OpType == "Gemm" && matmul.Input.Count > 2 && matmul.Input[2].EndsWith(".bias", StringComparison.Ordinal) ? matmul.Input[2] : null;

    /// <summary>The head count from the Reshape that splits the first query into [batch, length, heads, head size].</summary>
    private static int Heads(OnnxGraph graph, string prefix, int hidden)
    {
        var bias = prefix + "encoder.layer.0.attention.self.query.bias";
        var add = graph.Nodes.FirstOrDefault(n => n.OpType == "Add" && n.Input.Contains(bias))
                  ?? throw OnnxImporter.Unmapped(graph, "attention heads", $"no Add uses '{bias}'");
        var reshape = graph.Consumers(add.Output[0]).FirstOrDefault(n => n.OpType == "Reshape")
                      ?? throw OnnxImporter.Unmapped(graph, "attention heads", "the first query is not reshaped into heads");
        var shape = graph.Producer(reshape.Input[1]) is { OpType: "Concat" } concat
            ? concat.Input.Where(graph.IsConstant).SelectMany(graph.Values).ToArray()
            : graph.IsConstant(reshape.Input[1]) ? graph.Values(reshape.Input[1]) : [];
        if (shape.Length >= 2 && shape[^2] > 0 && shape[^2] * shape[^1] == hidden)
            return (int)shape[^2];
        throw OnnxImporter.Unmapped(graph, $"Reshape {reshape.Name}", $"its constant sizes [{string.Join(", ", shape)}] do not split hidden size {hidden} into heads");
    }

    /// <summary>The embeddings LayerNorm's epsilon: a LayerNormalization attribute, or the constant added to the variance.</summary>
    private static double Epsilon(OnnxGraph graph, string prefix)
    {
        var gamma = prefix + "embeddings.LayerNorm.weight";
        var user = graph.Nodes.FirstOrDefault(n => n.Input.Contains(gamma))
                   ?? throw OnnxImporter.Unmapped(graph, "LayerNorm", $"no node uses '{gamma}'");
        if (user.OpType == "LayerNormalization")
            return OnnxGraph.Float(user, "epsilon", 1e-5f);
        // Decomposed: Mul(Div(x - mean, Sqrt(Add(ReduceMean(pow), eps))), gamma).
        var div = graph.Producer(user.Input.First(i => i != gamma));
        var sqrt = div is { OpType: "Div" } ? graph.Producer(div.Input[1]) : null;
        var addEps = sqrt is { OpType: "Sqrt" } ? graph.Producer(sqrt.Input[0]) : null;
        var eps = addEps is { OpType: "Add" } ? addEps.Input.FirstOrDefault(graph.IsConstant) : null;
        // The graph holds it as float32 (1e-12 reads 9.99999996e-13); the float's shortest text is the value written.
        return eps is not null
            ? double.Parse(((float)graph.Values(eps)[0]).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : throw OnnxImporter.Unmapped(graph, $"{user.OpType} {user.Name}", "the embeddings LayerNorm is neither LayerNormalization nor Mul(Div(x - mean, Sqrt(var + eps)), weight)");
    }
}
