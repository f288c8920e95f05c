using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace CxrVL.Export;

/// <summary>
/// Builds an ONNX model with the ONNX protobuf schema (OnnxSharp's generated types, the ones the importer reads): named
/// initializers copied from tensors, nodes whose outputs get fresh names, typed graph inputs and outputs.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly OnnxGraphBuilder? _outer;
    private int _values;

    public OnnxGraphBuilder(string graphName)
    {
        _graph = new GraphProto { Name = graphName };
    }

    private OnnxGraphBuilder(string graphName, OnnxGraphBuilder outer)
    {
        _graph = new GraphProto { Name = graphName };
        _outer = outer;
    }

    /// <summary>
    /// A subgraph (a Scan or Loop body) whose initializers go to the outermost graph, where ONNX lets a body read them,
    /// and whose values are named from the same counter, so no name shadows one outside.
    /// </summary>
    public OnnxGraphBuilder Subgraph(string name) => new(name, this);

    /// <summary>The subgraph as a graph attribute (a Scan's <c>body</c>).</summary>
    public AttributeProto AsAttribute(string name) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = _graph };

    /// <summary>Adds a float32 or int64 tensor as an initializer named <paramref name="name"/> (the state-dict key) and returns the name.</summary>
    public string Initializer(string name, Tensor value)
    {
        if (_outer is not null)
            return _outer.Initializer(name, value);
        using var scope = NewDisposeScope();
        var contiguous = value.detach().cpu().contiguous();
        var proto = new TensorProto { Name = name };
        proto.Dims.AddRange(contiguous.shape);
        if (contiguous.dtype == ScalarType.Int64)
        {
            proto.DataType = (int)TensorProto.Types.DataType.Int64;
            proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(contiguous.data<long>().ToArray().AsSpan()));
        }
        else
        {
            proto.DataType = (int)TensorProto.Types.DataType.Float;
            proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(contiguous.to(ScalarType.Float32).data<float>().ToArray().AsSpan()));
        }
        _graph.Initializer.Add(proto);
        return name;
    }

    public string Int64s(string name, params long[] values)
    {
        using var value = tensor(values, [values.Length]);
        return Initializer(name, value);
    }

    public string Int64Scalar(string name, long value)
    {
        using var scalar = tensor(value);
        return Initializer(name, scalar);
    }

    public string Float(string name, float value)
    {
        using var scalar = tensor(value);
        return Initializer(name, scalar);
    }

    /// <summary>Adds a node and returns the name of its (single) output.</summary>
    public string Node(string op, IEnumerable<string> inputs, params AttributeProto[] attributes) => Node(op, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs (TopK's values and indices, a Scan's states) and returns their names.</summary>
    public IReadOnlyList<string> Node(string op, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var name = NextName(op.ToLowerInvariant());
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => i == 0 ? name : $"{name}_{i}").ToList();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return names;
    }

    private string NextName(string prefix) => _outer is null ? $"{prefix}_{_values++}" : _outer.NextName(prefix);

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto FloatAttribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A graph input or output; a dimension is a number or a symbolic name ("batch").</summary>
    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Input.Add(ValueInfo(name, type, dims));

    /// <summary>Names <paramref name="value"/> as a graph output through an Identity node.</summary>
    public void Output(string value, string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var node = new NodeProto { OpType = "Identity", Name = name };
        node.Input.Add(value);
        node.Output.Add(name);
        _graph.Node.Add(node);
        _graph.Output.Add(ValueInfo(name, type, dims));
    }

    public ModelProto Build(string docString)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "CxrVL",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExportNames.Opset });
        return model;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
