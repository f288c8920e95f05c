using static CxrVL.Export.OnnxGraphBuilder;

namespace CxrVL.Export;

/// <summary>
/// The layers of R2Gen's and XProNet's report transformer (<see cref="Generation.ReportTransformer"/> and its parts) as
/// ONNX nodes, in evaluation mode (no dropout), reading each layer's tensors by its state-dict name. Masks are additive
/// (0 where kept, -inf where masked), which gives exactly what <c>masked_fill(-inf)</c> gives.
/// </summary>
internal sealed class ReportTransformerOnnx(OnnxModuleWriter writer, int heads, long dModel)
{
    private OnnxGraphBuilder Graph => writer.Graph;

    private long HeadDim => dModel / heads;

    /// <summary>A writer of the same layers into a subgraph (a Scan body).</summary>
    public ReportTransformerOnnx In(OnnxGraphBuilder subgraph) => new(writer.In(subgraph), heads, dModel);

    /// <summary>A boolean keep mask to an additive one: 0 where true, -inf where false.</summary>
    public string Additive(string keep) =>
        Graph.Node("Where", [keep, writer.Constant("zero", 0f), writer.Constant("minus_inf", float.NegativeInfinity)]);

    /// <summary>A keep mask over the keys [B, Tk] (bool) to the additive mask [B, 1, 1, Tk] of an attention.</summary>
    public string KeyMask(string keep) => Additive(Graph.Node("Unsqueeze", [keep, writer.Int64s("axes_1_2", 1, 2)]));

    /// <summary>
    /// <see cref="Generation.MultiHeadedAttention"/>: <c>linears.0..3</c>; <paramref name="mask"/> is additive and
    /// broadcasts to [B, heads, Tq, Tk], or null.
    /// </summary>
    public string Attention(string prefix, string query, string key, string value, string? mask)
    {
        var scores = Scores(prefix, query, key);
        if (mask is not null)
            scores = Graph.Node("Add", [scores, mask]);
        return Mix(prefix, Graph.Node("Softmax", [scores], Int("axis", -1)), value);
    }

    /// <summary>
    /// XProNet's cross-modal memory (<see cref="Methods.XProNet.CrossModalMemory"/>): attention from
    /// <paramref name="features"/> [B, T, D] to the prototypes [1, M, D] in which each query keeps only its
    /// <paramref name="topk"/> best scores; <paramref name="keep"/> [B, M] (bool) marks the study's prototypes.
    /// </summary>
    public string PrototypeAttention(string prefix, string features, string prototypes, string keep, long topk)
    {
        var scores = Scores(prefix, features, prototypes);
        scores = Graph.Node("Add", [scores, KeyMask(keep)]);
        var best = Graph.Node("TopK", [scores, writer.Int64s($"topk_{topk}", topk)], 2, Int("axis", -1))[1];
        var ones = Graph.Node("Expand", [writer.Constant("one", 1f), Graph.Node("Shape", [best])]);
        var chosen = Graph.Node("ScatterElements", [Graph.Node("ConstantOfShape", [Graph.Node("Shape", [scores])]), best, ones], Int("axis", -1));
        var kept = Graph.Node("Where", [Graph.Node("Greater", [chosen, writer.Constant("half", 0.5f)]), scores, writer.Constant("minus_inf", float.NegativeInfinity)]);
        return Mix(prefix, Graph.Node("Softmax", [kept], Int("axis", -1)), prototypes);
    }

    /// <summary><see cref="Generation.PositionwiseFeedForward"/>: <c>w_2(relu(w_1(x)))</c>.</summary>
    public string FeedForward(string prefix, string x) =>
        writer.Linear(Graph.Node("Relu", [writer.Linear(x, $"{prefix}.w_1")]), $"{prefix}.w_2");

    /// <summary>
    /// The seeds' layer norm with the unbiased standard deviation and eps added to it: <c>a_2 (x - mean) / (std + eps) + b_2</c>
    /// (<see cref="Generation.UnbiasedLayerNorm"/>), or R2Gen's conditional one whose scale and shift add MLPs of
    /// <paramref name="condition"/> to <c>gamma</c> and <c>beta</c> (<see cref="Methods.R2Gen.ConditionalLayerNorm"/>).
    /// </summary>
    public string Norm(string prefix, string x, string? condition = null)
    {
        var mean = Graph.Node("ReduceMean", [x], Ints("axes", -1), Int("keepdims", 1));
        var centered = Graph.Node("Sub", [x, mean]);
        var squares = Graph.Node("ReduceSum", [Graph.Node("Mul", [centered, centered]), writer.Int64s("axes_last", -1)], Int("keepdims", 1));
        var std = Graph.Node("Sqrt", [Graph.Node("Div", [squares, writer.Constant($"features_minus_one_{dModel}", dModel - 1)])]);
        var denominator = Graph.Node("Add", [std, writer.Constant("norm_eps", 1e-6f)]);
        string scale, shift;
        if (condition is null)
        {
            (scale, shift) = (writer.Parameter($"{prefix}.a_2"), writer.Parameter($"{prefix}.b_2"));
        }
        else
        {
            string Mlp(string name) => writer.Linear(Graph.Node("Relu", [writer.Linear(condition, $"{prefix}.{name}.0")]), $"{prefix}.{name}.2");
            scale = Graph.Node("Add", [writer.Parameter($"{prefix}.gamma"), Mlp("mlp_gamma")]);
            shift = Graph.Node("Add", [writer.Parameter($"{prefix}.beta"), Mlp("mlp_beta")]);
        }
        return Graph.Node("Add", [Graph.Node("Div", [Graph.Node("Mul", [scale, centered]), denominator]), shift]);
    }

    /// <summary><see cref="Generation.TransformerEncoder"/>: pre-norm self-attention and feed-forward layers, then its norm.</summary>
    public string Encoder(string prefix, string x, string mask, int layers)
    {
        for (var i = 0; i < layers; i++)
        {
            var layer = $"{prefix}.layers.{i}";
            x = Sublayer($"{layer}.sublayer.0", x, h => Attention($"{layer}.self_attn", h, h, h, mask));
            x = Sublayer($"{layer}.sublayer.1", x, h => FeedForward($"{layer}.feed_forward", h));
        }
        return Norm($"{prefix}.norm", x);
    }

    /// <summary>
    /// <see cref="Generation.TransformerDecoder"/>: masked self-attention, attention to the memory and feed-forward, each
    /// sublayer norm conditioned on <paramref name="condition"/> when R2Gen gives one; then the plain final norm.
    /// </summary>
    public string Decoder(string prefix, string x, string memory, string sourceMask, string targetMask, int layers, string? condition)
    {
        for (var i = 0; i < layers; i++)
        {
            var layer = $"{prefix}.layers.{i}";
            x = Sublayer($"{layer}.sublayer.0", x, h => Attention($"{layer}.self_attn", h, h, h, targetMask), condition);
            x = Sublayer($"{layer}.sublayer.1", x, h => Attention($"{layer}.src_attn", h, memory, memory, sourceMask), condition);
            x = Sublayer($"{layer}.sublayer.2", x, h => FeedForward($"{layer}.feed_forward", h), condition);
        }
        return Norm($"{prefix}.norm", x);
    }

    /// <summary><see cref="Generation.PositionalEncoding"/>: the first T rows of the table <c>pe</c> [1, max_len, D] added to x [B, T, D].</summary>
    public string AddPositions(string x, string table)
    {
        var length = Graph.Node("Shape", [x], Int("start", 1), Int("end", 2));
        var positions = Graph.Node("Slice", [writer.Parameter(table), writer.Int64s("zero_1d", 0), length, writer.Int64s("axes_1", 1)]);
        return Graph.Node("Add", [x, positions]);
    }

    /// <summary>
    /// The decoder's self-attention mask (<see cref="Generation.ReportTransformer.TargetMask"/>), additive [N, 1, T, T]:
    /// position t sees the positions up to t that are not padding (id 0 after the first position).
    /// </summary>
    public string TargetMask(string tokens)
    {
        var length = Graph.Node("Gather", [Graph.Node("Shape", [tokens]), writer.Int64Scalar("one_i64", 1)], Int("axis", 0));
        var positions = Graph.Node("Range", [writer.Int64Scalar("zero_i64", 0), length, writer.Int64Scalar("one_i64", 1)]);
        var first = Graph.Node("Equal", [positions, writer.Int64Scalar("zero_i64", 0)]);
        var keep = Graph.Node("Or", [Graph.Node("Greater", [tokens, writer.Int64Scalar("zero_i64", 0)]), first]);
        var causal = Graph.Node("LessOrEqual", [Graph.Node("Unsqueeze", [positions, writer.Int64s("axes_0", 0)]),
                                                 Graph.Node("Unsqueeze", [positions, writer.Int64s("axes_last", -1)])]);
        var allowed = Graph.Node("And", [Graph.Node("Unsqueeze", [keep, writer.Int64s("axes_1", 1)]), causal]);
        return Additive(Graph.Node("Unsqueeze", [allowed, writer.Int64s("axes_1", 1)]));
    }

    private string Sublayer(string prefix, string x, Func<string, string> sublayer, string? condition = null) =>
        Graph.Node("Add", [x, sublayer(Norm($"{prefix}.norm", x, condition))]);

    /// <summary>Scaled dot products of the projected queries and keys per head [B, heads, Tq, Tk].</summary>
    private string Scores(string prefix, string query, string key)
    {
        var q = Split(writer.Linear(query, $"{prefix}.linears.0"));
        var k = Split(writer.Linear(key, $"{prefix}.linears.1"));
        var keysT = Graph.Node("Transpose", [k], Ints("perm", 0, 1, 3, 2));
        return Graph.Node("Div", [Graph.Node("MatMul", [q, keysT]), writer.Constant($"sqrt_head_dim_{HeadDim}", MathF.Sqrt(HeadDim))]);
    }

    /// <summary>The attention weights' mix of the projected values, heads merged and projected by <c>linears.3</c>.</summary>
    private string Mix(string prefix, string weights, string value)
    {
        var v = Split(writer.Linear(value, $"{prefix}.linears.2"));
        var mixed = Graph.Node("Transpose", [Graph.Node("MatMul", [weights, v])], Ints("perm", 0, 2, 1, 3));
        return writer.Linear(Graph.Node("Reshape", [mixed, writer.Int64s($"shape_merge_{dModel}", 0, -1, dModel)]), $"{prefix}.linears.3");
    }

    /// <summary>[B, T, D] to [B, heads, T, D / heads].</summary>
    private string Split(string x) =>
        Graph.Node("Transpose", [Graph.Node("Reshape", [x, writer.Int64s($"shape_split_{heads}_{HeadDim}", 0, -1, heads, HeadDim)])], Ints("perm", 0, 2, 1, 3));
}
