using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CxrVL.Export;

/// <summary>
/// A float32 or bool tensor copied out of ONNX Runtime and kept as rows along its first axis, so a decoding step can
/// hand the decoder the rows of the studies its hypotheses belong to.
/// </summary>
internal sealed class OnnxRows
{
    private readonly Array _values;
    private readonly long[] _shape;
    private readonly int _rowLength;

    private OnnxRows(Array values, long[] shape)
    {
        _values = values;
        _shape = shape;
        _rowLength = (int)shape.Skip(1).Aggregate(1L, (a, b) => a * b);
    }

    public static OnnxRows From(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        Array values = info.ElementDataType switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
            var other => throw new CxrVLException($"an exported report graph gave a {other} tensor where float32 or bool belongs."),
        };
        return new OnnxRows(values, info.Shape);
    }

    public long Rows => _shape[0];

    /// <summary>The rows <paramref name="rows"/> in that order, as an ONNX Runtime input.</summary>
    public OrtValue Select(long[] rows)
    {
        long[] shape = [rows.Length, .. _shape.Skip(1)];
        return _values switch
        {
            float[] floats => OrtValue.CreateTensorValueFromMemory(Gather(floats, rows), shape),
            bool[] flags => OrtValue.CreateTensorValueFromMemory(Gather(flags, rows), shape),
            _ => throw new InvalidOperationException("rows hold float32 or bool values."),
        };
    }

    private T[] Gather<T>(T[] values, long[] rows)
    {
        var gathered = new T[rows.Length * _rowLength];
        for (var i = 0; i < rows.Length; i++)
            Array.Copy(values, rows[i] * _rowLength, gathered, (long)i * _rowLength, _rowLength);
        return gathered;
    }
}
