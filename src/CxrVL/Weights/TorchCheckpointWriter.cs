using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using CxrVL.Runs;
using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>
/// Writes a state dict as a <c>torch.save</c> zip file that <c>torch.load(path, weights_only=True)</c> reads as an
/// <c>OrderedDict</c> of tensors (for Python users without the safetensors package). The archive holds
/// <c>archive/data.pkl</c> (a protocol-2 pickle that uses only <c>collections.OrderedDict</c>,
/// <c>torch._utils._rebuild_tensor_v2</c> and the storage types), <c>archive/byteorder</c>, one stored (uncompressed)
/// <c>archive/data/N</c> entry per tensor and <c>archive/version</c>. Each tensor gets its own contiguous storage.
/// </summary>
public static class TorchCheckpointWriter
{
    public static void Write(string path, StateDict stateDict)
    {
        TensorBytes.EnsureLittleEndianHost();
        var pickle = Pickle(stateDict);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            void Entry(string name, Action<Stream> write)
            {
                using var entry = zip.CreateEntry($"archive/{name}", CompressionLevel.NoCompression).Open();
                write(entry);
            }
            Entry("data.pkl", entry => entry.Write(pickle));
            Entry("byteorder", entry => entry.Write("little"u8));
            var index = 0;
            foreach (var (_, tensor) in stateDict)
                Entry($"data/{index++}", entry => TensorBytes.Write(tensor, entry));
            Entry("version", entry => entry.Write("3\n"u8));
        }, Size(pickle.Length, stateDict));
    }

    /// <summary>The archive's size: the pickle and the tensors stored as they are, plus a generous bound on the zip's own records per entry.</summary>
    private static long Size(long pickle, StateDict stateDict) =>
        pickle + stateDict.Sum(p => p.Value.numel() * TensorBytes.ElementSize(p.Value.dtype) + 256L) + 4096;

    private static string StorageType(ScalarType dtype, string name) => dtype switch
    {
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float16 => "HalfStorage",
        ScalarType.BFloat16 => "BFloat16Storage",
        ScalarType.Int64 => "LongStorage",
        ScalarType.Int32 => "IntStorage",
        ScalarType.Int16 => "ShortStorage",
        ScalarType.Int8 => "CharStorage",
        ScalarType.Byte => "ByteStorage",
        ScalarType.Bool => "BoolStorage",
        _ => throw new CxrVLException($"tensor '{name}' has type {dtype}, which CxrVL does not write to .pt files; convert it first."),
    };

    /// <summary>
    /// <c>OrderedDict([(name, _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())), ...])</c>, with the
    /// storage as the persistent id <c>('storage', torch.XStorage, 'N', 'cpu', numel)</c>.
    /// </summary>
    private static byte[] Pickle(StateDict stateDict)
    {
        using var buffer = new MemoryStream();
        var w = new BinaryWriter(buffer, Encoding.UTF8);
        const byte Mark = 0x28, Tuple = 0x74, Reduce = 0x52, EmptyTuple = 0x29;
        void Global(string module, string name) => w.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));
        void Text(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            w.Write((byte)0x58); // BINUNICODE
            w.Write((uint)bytes.Length);
            w.Write(bytes);
        }
        void Int(long value)
        {
            if (value is >= int.MinValue and <= int.MaxValue)
            {
                w.Write((byte)0x4a); // BININT
                w.Write((int)value);
                return;
            }
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            w.Write((byte)0x8a); // LONG1
            w.Write((byte)8);
            w.Write(bytes);
        }
        void Ints(IEnumerable<long> values)
        {
            w.Write(Mark);
            foreach (var value in values)
                Int(value);
            w.Write(Tuple);
        }
        void OrderedDict()
        {
            Global("collections", "OrderedDict");
            w.Write(EmptyTuple);
            w.Write(Reduce);
        }

        w.Write((byte)0x80); // PROTO 2
        w.Write((byte)2);
        OrderedDict();
        w.Write(Mark);
        var index = 0;
        foreach (var (name, tensor) in stateDict)
        {
            Text(name);
            Global("torch._utils", "_rebuild_tensor_v2");
            w.Write(Mark);
            w.Write(Mark);
            Text("storage");
            Global("torch", StorageType(tensor.dtype, name));
            Text((index++).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Text("cpu");
            Int(tensor.numel());
            w.Write(Tuple);
            w.Write((byte)0x51); // BINPERSID
            Int(0);
            Ints(tensor.shape);
            Ints(ContiguousStrides(tensor.shape));
            w.Write((byte)0x89); // NEWFALSE: requires_grad
            OrderedDict(); // backward hooks
            w.Write(Tuple);
            w.Write(Reduce);
        }
        w.Write((byte)0x75); // SETITEMS
        w.Write((byte)0x2e); // STOP
        w.Flush();
        return buffer.ToArray();
    }

    private static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= Math.Max(shape[i], 1);
        }
        return strides;
    }
}
