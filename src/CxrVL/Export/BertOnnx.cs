using CxrVL.Methods.Encoders;
using CxrVL.Models;

namespace CxrVL.Export;

/// <summary>
/// A Hugging Face-layout BERT encoder (token type 0, absolute positions, exact GELU) and its pooling ([CLS] or the masked
/// mean), as <see cref="TextEncoder.EncodeGlobal"/> computes them: [N, L] token ids and mask to [N, hidden].
/// </summary>
internal static class BertOnnx
{
    public static string Write(OnnxModuleWriter writer, string inputIds, string attentionMask, string prefix, BertConfig config, TextPooling pooling)
    {
        if (config.HiddenAct != "gelu")
            throw new CxrVLException($"ONNX export: BERT activation '{config.HiddenAct}' is not exported; only the exact GELU ('gelu') is.");
        var graph = writer.Graph;
        var eps = config.LayerNormEps;
        var words = graph.Node("Gather", [writer.Parameter($"{prefix}.embeddings.word_embeddings.weight"), inputIds]);
        // Positions 0..L-1 for the batch's token count L, read from the ids' shape.
        var length = graph.Node("Gather", [graph.Node("Shape", [inputIds]), writer.Int64Scalar("one_i64", 1)], OnnxGraphBuilder.Int("axis", 0));
        var positions = graph.Node("Range", [writer.Int64Scalar("zero_i64", 0), length, writer.Int64Scalar("one_i64", 1)]);
        var positionEmbeddings = graph.Node("Gather", [writer.Parameter($"{prefix}.embeddings.position_embeddings.weight"), positions]);
        var tokenType = graph.Node("Gather", [writer.Parameter($"{prefix}.embeddings.token_type_embeddings.weight"), writer.Int64Scalar("zero_i64", 0)], OnnxGraphBuilder.Int("axis", 0));
        var sum = graph.Node("Add", [graph.Node("Add", [words, positionEmbeddings]), tokenType]);
        var states = writer.LayerNorm(sum, $"{prefix}.embeddings.LayerNorm", eps);

        // Hugging Face's additive mask: (1 - mask) * the float32 minimum, [N, 1, 1, L].
        var maskFloat = graph.Node("Cast", [attentionMask], OnnxGraphBuilder.Int("to", (long)OnnxModuleWriter.FloatType));
        var masked = graph.Node("Sub", [writer.Constant("one", 1f), maskFloat]);
        var additive = graph.Node("Unsqueeze", [graph.Node("Mul", [masked, writer.Constant("float_min", float.MinValue)]), writer.Int64s("axes_1_2", 1, 2)]);

        var headDim = config.HiddenSize / config.NumAttentionHeads;
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
            states = Layer(writer, states, additive, $"{prefix}.encoder.layer.{layer}", config.NumAttentionHeads, headDim, eps);

        if (pooling == TextPooling.Cls)
            return graph.Node("Gather", [states, writer.Int64Scalar("zero_i64", 0)], OnnxGraphBuilder.Int("axis", 1));
        var weights = graph.Node("Unsqueeze", [maskFloat, writer.Int64s("axes_last", -1)]);
        var summed = graph.Node("ReduceSum", [graph.Node("Mul", [states, weights]), writer.Int64s("axes_1", 1)], OnnxGraphBuilder.Int("keepdims", 0));
        var counts = graph.Node("ReduceSum", [weights, writer.Int64s("axes_1", 1)], OnnxGraphBuilder.Int("keepdims", 0));
        return graph.Node("Div", [summed, graph.Node("Max", [counts, writer.Constant("mean_pool_eps", 1e-9f)])]);
    }

    private static string Layer(OnnxModuleWriter writer, string input, string additiveMask, string prefix, int heads, int headDim, double eps)
    {
        var graph = writer.Graph;
        var split = writer.Int64s("shape_heads", 0, 0, heads, headDim);
        string Heads(string name) =>
            graph.Node("Transpose", [graph.Node("Reshape", [writer.Linear(input, $"{prefix}.attention.self.{name}"), split])], OnnxGraphBuilder.Ints("perm", 0, 2, 1, 3));
        var (query, key, value) = (Heads("query"), Heads("key"), Heads("value"));
        var keysT = graph.Node("Transpose", [key], OnnxGraphBuilder.Ints("perm", 0, 1, 3, 2));
        var scores = graph.Node("Div", [graph.Node("MatMul", [query, keysT]), writer.Constant($"sqrt_head_dim_{headDim}", MathF.Sqrt(headDim))]);
        var probabilities = graph.Node("Softmax", [graph.Node("Add", [scores, additiveMask])], OnnxGraphBuilder.Int("axis", -1));
        var context = graph.Node("Transpose", [graph.Node("MatMul", [probabilities, value])], OnnxGraphBuilder.Ints("perm", 0, 2, 1, 3));
        var merged = graph.Node("Reshape", [context, writer.Int64s("shape_merge", 0, 0, heads * headDim)]);
        var attention = writer.LayerNorm(graph.Node("Add", [writer.Linear(merged, $"{prefix}.attention.output.dense"), input]), $"{prefix}.attention.output.LayerNorm", eps);
        var intermediate = writer.Gelu(writer.Linear(attention, $"{prefix}.intermediate.dense"));
        return writer.LayerNorm(graph.Node("Add", [writer.Linear(intermediate, $"{prefix}.output.dense"), attention]), $"{prefix}.output.LayerNorm", eps);
    }
}
