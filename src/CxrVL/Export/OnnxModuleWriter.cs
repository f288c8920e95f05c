using Onnx;
using static CxrVL.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace CxrVL.Export;

/// <summary>
/// Writes the layers CxrVL's encoders are made of as ONNX nodes, reading each layer's tensors from the model's state
/// dict by its parameter name (the initializers keep those names, so a reader can match the graph to the checkpoint).
/// </summary>
internal sealed class OnnxModuleWriter
{
    private readonly OnnxGraphBuilder graph;
    private readonly IReadOnlyDictionary<string, Tensor> state;
    private readonly HashSet<string> _written;

    public OnnxModuleWriter(OnnxGraphBuilder graph, IReadOnlyDictionary<string, Tensor> state)
        : this(graph, state, new HashSet<string>(StringComparer.Ordinal))
    {
    }

    private OnnxModuleWriter(OnnxGraphBuilder graph, IReadOnlyDictionary<string, Tensor> state, HashSet<string> written)
    {
        this.graph = graph;
        this.state = state;
        _written = written;
    }

    public OnnxGraphBuilder Graph => graph;

    /// <summary>A writer of nodes into <paramref name="subgraph"/> that shares this one's initializers (written once, in the outer graph).</summary>
    public OnnxModuleWriter In(OnnxGraphBuilder subgraph) => new(subgraph, state, _written);

    /// <summary>A state-dict tensor as an initializer (written once, however often it is used).</summary>
    public string Parameter(string key)
    {
        if (_written.Add(key))
            graph.Initializer(key, Tensor(key));
        return key;
    }

    public Tensor Tensor(string key) =>
        state.TryGetValue(key, out var value) ? value : throw new CxrVLException($"ONNX export: the checkpoint has no tensor '{key}' where the model's layout puts one.");

    public bool Has(string key) => state.ContainsKey(key);

    public string Conv(string x, string prefix, long kernel, long stride, long padding) =>
        graph.Node("Conv", [x, Parameter(prefix + ".weight")],
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding));

    /// <summary>BatchNorm in evaluation: the running statistics, as ONNX's BatchNormalization (NCHW).</summary>
    public string BatchNorm2d(string x, string prefix, double eps) =>
        graph.Node("BatchNormalization",
            [x, Parameter(prefix + ".weight"), Parameter(prefix + ".bias"), Parameter(prefix + ".running_mean"), Parameter(prefix + ".running_var")],
            FloatAttribute("epsilon", (float)eps));

    /// <summary>
    /// BatchNorm of [N, C] features in evaluation as x * scale + shift, the two vectors computed from the running
    /// statistics (and the affine parameters when the layer has them) in float64.
    /// </summary>
    public string BatchNorm1d(string x, string prefix, double eps)
    {
        using var scope = NewDisposeScope();
        var mean = Tensor(prefix + ".running_mean").to(float64);
        var variance = Tensor(prefix + ".running_var").to(float64);
        var scale = 1.0 / (variance + eps).sqrt();
        var shift = -mean * scale;
        if (Has(prefix + ".weight"))
        {
            var weight = Tensor(prefix + ".weight").to(float64);
            scale *= weight;
            shift = shift * weight + Tensor(prefix + ".bias").to(float64);
        }
        var scaled = graph.Node("Mul", [x, graph.Initializer(prefix + ".eval_scale", scale.to(float32))]);
        return graph.Node("Add", [scaled, graph.Initializer(prefix + ".eval_shift", shift.to(float32))]);
    }

    /// <summary>torch's Linear on [N, in]: Gemm with the weight [out, in] transposed.</summary>
    public string Linear2d(string x, string prefix)
    {
        var inputs = new List<string> { x, Parameter(prefix + ".weight") };
        if (Has(prefix + ".bias"))
            inputs.Add(Parameter(prefix + ".bias"));
        return graph.Node("Gemm", inputs, Int("transB", 1));
    }

    /// <summary>torch's Linear on [..., in]: MatMul with the weight stored transposed ([in, out], named <c>weight_t</c>), then the bias.</summary>
    public string Linear(string x, string prefix)
    {
        var weightName = prefix + ".weight_t";
        if (_written.Add(weightName))
        {
            using var transposed = Tensor(prefix + ".weight").t();
            graph.Initializer(weightName, transposed);
        }
        var product = graph.Node("MatMul", [x, weightName]);
        return Has(prefix + ".bias") ? graph.Node("Add", [product, Parameter(prefix + ".bias")]) : product;
    }

    public string LayerNorm(string x, string prefix, double eps) =>
        graph.Node("LayerNormalization", [x, Parameter(prefix + ".weight"), Parameter(prefix + ".bias")],
            Int("axis", -1), FloatAttribute("epsilon", (float)eps));

    /// <summary>Hugging Face's exact GELU: x * 0.5 * (1 + erf(x / sqrt(2))).</summary>
    public string Gelu(string x)
    {
        var scaled = graph.Node("Div", [x, Constant("gelu_sqrt2", MathF.Sqrt(2f))]);
        var erf = graph.Node("Erf", [scaled]);
        var onePlus = graph.Node("Add", [erf, Constant("one", 1f)]);
        var half = graph.Node("Mul", [x, Constant("half", 0.5f)]);
        return graph.Node("Mul", [half, onePlus]);
    }

    /// <summary>torch's <c>nn.functional.normalize(x, dim: -1)</c>: x / max(||x||, 1e-12).</summary>
    public string L2Normalize(string x)
    {
        var norm = graph.Node("ReduceL2", [x], Ints("axes", -1), Int("keepdims", 1));
        return graph.Node("Div", [x, graph.Node("Max", [norm, Constant("normalize_eps", 1e-12f)])]);
    }

    /// <summary>A float scalar initializer, written once under its name.</summary>
    public string Constant(string name, float value)
    {
        if (_written.Add(name))
            graph.Float(name, value);
        return name;
    }

    public string Int64s(string name, params long[] values)
    {
        if (_written.Add(name))
            graph.Int64s(name, values);
        return name;
    }

    /// <summary>An int64 scalar initializer (a Range bound, an index that drops its axis), written once under its name.</summary>
    public string Int64Scalar(string name, long value)
    {
        if (_written.Add(name))
            graph.Int64Scalar(name, value);
        return name;
    }

    public static TensorProto.Types.DataType FloatType => TensorProto.Types.DataType.Float;
}
