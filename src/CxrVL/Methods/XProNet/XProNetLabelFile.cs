using System.Buffers.Binary;
using CxrVL.Weights;

namespace CxrVL.Methods.XProNet;

/// <summary>
/// Reads XProNet's released <c>labels_14.pickle</c>: a pickled dict from a study id (IU: <c>CXR3143_IM-1477</c>, MIMIC:
/// the annotation's id) to a numpy array of its 14 labels, which <c>datasets.py</c> loads with <c>pickle.load</c>.
/// The pickle is read by CxrVL's restricted unpickler with numpy's globals kept inert: nothing in the file runs. The
/// arrays are rebuilt from numpy's pickled state (shape, dtype code and byte order, raw bytes); floating, integer and
/// boolean arrays of one dimension are accepted, and a plain list of numbers too.
/// </summary>
public static class XProNetLabelFile
{
    public static IReadOnlyDictionary<string, float[]> Read(string path)
    {
        if (!File.Exists(path))
            throw new CxrVLException($"label file '{path}' does not exist.");
        object? root;
        using (var stream = File.OpenRead(path))
        {
            var reader = new PickleReader(stream, path, _ => throw new CxrVLException($"{path}: a label pickle holds no persistent ids (is this a torch.save file?)."), skipUnknown: true);
            root = reader.Load();
        }
        if (root is not PickleDict dict)
            throw new CxrVLException($"{path} holds a {root?.GetType().Name ?? "None"}, not a dict from study id to labels.");
        var labels = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string id)
                throw new CxrVLException($"{path}: the key '{key}' is not a study id (a string).");
            labels[id] = Values(path, id, value);
        }
        if (labels.Count == 0)
            throw new CxrVLException($"{path} holds no labels.");
        var width = labels.Values.First().Length;
        if (labels.FirstOrDefault(l => l.Value.Length != width) is { Key: not null } odd)
            throw new CxrVLException($"{path}: study '{odd.Key}' has {odd.Value.Length} labels where the others have {width}.");
        return labels;
    }

    private static float[] Values(string path, string id, object? value)
    {
        switch (value)
        {
            case List<object?> list:
                return list.Select(v => v switch
                {
                    long n => n,
                    double d => (float)d,
                    bool b => b ? 1f : 0f,
                    _ => throw new CxrVLException($"{path}: study '{id}' has a label that is not a number ({v})."),
                }).ToArray();
            case OpaqueObject { TypeName: "numpy.core.multiarray._reconstruct" or "numpy._core.multiarray._reconstruct", State: object?[] state }:
                return FromNumpyState(path, id, state);
            default:
                throw new CxrVLException($"{path}: study '{id}' holds {value?.ToString() ?? "None"}, not a numpy array or list of labels.");
        }
    }

    // numpy's ndarray.__reduce__ state: (version, shape, dtype, is_fortran, raw bytes).
    private static float[] FromNumpyState(string path, string id, object?[] state)
    {
        if (state.Length != 5 || state[1] is not object?[] shape || state[2] is not OpaqueObject { Arguments: [string code, ..] } dtype || state[4] is not byte[] raw)
            throw new CxrVLException($"{path}: study '{id}' holds a numpy array in a layout CxrVL does not read (object arrays are not labels).");
        if (shape.Length != 1 || shape[0] is not long count)
            throw new CxrVLException($"{path}: study '{id}' holds an array of shape ({string.Join(", ", shape)}); labels are one row.");
        var bigEndian = dtype.State is object?[] dtypeState && dtypeState.Length > 1 && dtypeState[1] as string == ">";
        var (size, read) = code switch
        {
            "f8" => (8, (Func<byte[], int, double>)((b, o) => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b.AsSpan(o)) : BinaryPrimitives.ReadDoubleLittleEndian(b.AsSpan(o)))),
            "f4" => (4, (b, o) => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(o)) : BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(o))),
            "i8" => (8, (b, o) => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(o)) : BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(o))),
            "i4" => (4, (b, o) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(o)) : BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(o))),
            "b1" or "u1" => (1, (b, o) => b[o]),
            "i1" => (1, (b, o) => (sbyte)b[o]),
            _ => throw new CxrVLException($"{path}: study '{id}' holds an array of numpy dtype '{code}'; labels must be float, int or bool."),
        };
        if (raw.Length != count * size)
            throw new CxrVLException($"{path}: study '{id}' holds {raw.Length} bytes for {count} values of dtype '{code}'.");
        return Enumerable.Range(0, (int)count).Select(i => (float)read(raw, i * size)).ToArray();
    }
}
