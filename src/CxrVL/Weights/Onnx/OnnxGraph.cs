using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace CxrVL.Weights.Onnx;

/// <summary>
/// An ONNX model read with the ONNX protobuf schema (OnnxSharp's generated <c>ModelProto</c>): its nodes, who consumes
/// each value, and its initializers as tensors. The mappers walk it; nothing here runs the graph.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);

    private OnnxGraph(string path, ModelProto model)
    {
        Path = path;
        Model = model;
        _initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var tensor in model.Graph.Initializer)
            _initializers[tensor.Name] = tensor;
        foreach (var node in model.Graph.Node)
        {
            foreach (var output in node.Output)
                _producers[output] = node;
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(input, out var list))
                    _consumers[input] = list = [];
                list.Add(node);
            }
        }
    }

    public string Path { get; }

    public ModelProto Model { get; }

    public IReadOnlyList<NodeProto> Nodes => Model.Graph.Node;

    public IEnumerable<string> InitializerNames => _initializers.Keys;

    /// <summary>The producer and opset, for messages and provenance: "CNTK 2.6, opset 8".</summary>
    public string Exporter =>
        $"{(Model.ProducerName.Length == 0 ? "unknown producer" : Model.ProducerName)} {Model.ProducerVersion}".TrimEnd() +
        $", opset {Model.OpsetImport.Where(o => o.Domain.Length == 0).Select(o => o.Version).DefaultIfEmpty(0).Max()}";

    /// <summary>Graph inputs that are not initializers (older exporters list initializers as inputs too).</summary>
    public IReadOnlyList<ValueInfoProto> DataInputs => Model.Graph.Input.Where(i => !_initializers.ContainsKey(i.Name)).ToList();

    public static OnnxGraph Read(string path)
    {
        if (!File.Exists(path))
            throw new CxrVLException($"ONNX model '{path}' does not exist.");
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public static OnnxGraph Read(Stream stream, string path)
    {
        try
        {
            var input = new CodedInputStream(stream, leaveOpen: true);
            var model = ModelProto.Parser.ParseFrom(input);
            if (model.Graph is null || model.Graph.Node.Count == 0)
                throw new CheckpointException($"{path} is not an ONNX model: it has no graph nodes.");
            return new OnnxGraph(path, model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CheckpointException($"{path} is not a readable ONNX model ({e.Message}).");
        }
    }

    public bool IsInitializer(string name) => _initializers.ContainsKey(name);

    public NodeProto? Producer(string value) => _producers.GetValueOrDefault(value);

    public IReadOnlyList<NodeProto> Consumers(string value) => _consumers.TryGetValue(value, out var list) ? list : [];

    public IReadOnlyList<long> Shape(string initializer) => _initializers[initializer].Dims;

    /// <summary>An initializer (or a Constant node's value) as a tensor of its own type: float32 or int64.</summary>
    public Tensor Tensor(string name)
    {
        var proto = _initializers.TryGetValue(name, out var t) ? t
            : Producer(name) is { OpType: "Constant" } constant ? constant.Attribute.First(a => a.Name == "value").T
            : throw new CheckpointException($"{Path}: '{name}' is neither an initializer nor a Constant.");
        var shape = proto.Dims.ToArray();
        var raw = proto.RawData.Span;
        switch ((TensorProto.Types.DataType)proto.DataType)
        {
            case TensorProto.Types.DataType.Float:
                return tensor(raw.Length > 0 ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : proto.FloatData.ToArray(), shape);
            case TensorProto.Types.DataType.Int64:
                return tensor(raw.Length > 0 ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : proto.Int64Data.ToArray(), shape);
            default:
                throw new CheckpointException($"{Path}: initializer '{name}' has ONNX data type {(TensorProto.Types.DataType)proto.DataType}; only float32 and int64 are read.");
        }
    }

    /// <summary>The values of a small int64 or float constant, as doubles.</summary>
    public double[] Values(string name)
    {
        using var t = Tensor(name);
        return t.to_type(ScalarType.Float64).data<double>().ToArray();
    }

    public bool IsConstant(string name) => IsInitializer(name) || Producer(name) is { OpType: "Constant" };

    public static long[] Ints(NodeProto node, string attribute, params long[] fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == attribute) is { } a ? a.Ints.ToArray() : fallback;

    public static long Int(NodeProto node, string attribute, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == attribute) is { } a ? a.I : fallback;

    public static float Float(NodeProto node, string attribute, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == attribute) is { } a ? a.F : fallback;

    public static string Text(NodeProto node, string attribute, string fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == attribute) is { } a ? a.S.ToStringUtf8() : fallback;
}
