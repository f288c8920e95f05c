using CxrVL.Models;

namespace CxrVL.Weights.Onnx;

/// <summary>
/// Reads an ONNX model's graph and initializers and maps them onto CxrVL's modules by walking the graph: a residual
/// network of Conv/BatchNormalization/Add nodes becomes a torchvision ResNet state dict, a BERT encoder (embedding
/// Gathers, MatMul/Add projections, LayerNorms) a Hugging Face BERT one with the MatMul weights transposed into
/// <c>nn.Linear</c> layout. The layouts' sizes (blocks per stage, heads, LayerNorm epsilon) are read from the graph.
/// Any other graph is refused with one message saying what was found.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Reads <paramref name="path"/> (a .onnx file) and maps it.</summary>
    public static OnnxImport Read(string path) => Map(OnnxGraph.Read(path));

    /// <summary>Reads an ONNX model from a stream (a package's embedded resource); <paramref name="name"/> names it in messages.</summary>
    public static OnnxImport Read(Stream stream, string name) => Map(OnnxGraph.Read(stream, name));

    internal static OnnxImport Map(OnnxGraph graph)
    {
        var ops = graph.Nodes.Select(n => n.OpType).ToHashSet(StringComparer.Ordinal);
        if (ops.Contains("Conv") && ops.Contains("BatchNormalization") && ops.Contains("Add"))
        {
            var (weights, config, summary) = OnnxResNetMapper.Map(graph);
            return new OnnxImport(weights, "resnet", config, null, summary);
        }
        if (graph.InitializerNames.Any(n => n.EndsWith("word_embeddings.weight", StringComparison.Ordinal)) && ops.Contains("MatMul"))
        {
            var (weights, config, summary) = OnnxBertMapper.Map(graph);
            return new OnnxImport(weights, "bert", null, config, summary);
        }
        var counts = graph.Nodes.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).Take(8).Select(g => $"{g.Count()} {g.Key}");
        throw new CheckpointException(
            $"{graph.Path} ({graph.Exporter}) has a graph CxrVL does not map onto its modules ({string.Join(", ", counts)}): " +
            "it maps residual networks (Conv, BatchNormalization, Add) to torchvision ResNet names and BERT encoders " +
            "(an initializer named *word_embeddings.weight, MatMul and Add) to Hugging Face names. Export the model as a " +
            "PyTorch state dict or safetensors file instead.");
    }

    /// <summary>A mapping problem at one node, said the same way everywhere.</summary>
    internal static CheckpointException Unmapped(OnnxGraph graph, string where, string what) =>
        new($"{graph.Path} ({graph.Exporter}): {where}: {what}; CxrVL cannot map this graph onto its modules.");
}
