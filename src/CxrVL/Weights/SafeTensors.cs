using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using CxrVL.Runs;
using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
/// tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the data that follows
/// the header) plus an optional <c>"__metadata__"</c> string map, then the tensors' little-endian bytes, row-major,
/// with no holes. Reading streams each tensor straight into its native memory; writing is atomic.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted, as in the reference implementation.</summary>
    private const long MaxHeaderBytes = 100_000_000;

    public const string FormatName = "safetensors";

    /// <summary>Reads every tensor of the file.</summary>
    public static StateDict Read(string path)
    {
        TensorBytes.EnsureLittleEndianHost();
        var header = ReadHeader(path);
        using var file = OpenHandle(path);
        var result = new StateDict();
        try
        {
            foreach (var (key, value) in header.Metadata)
                result.Metadata[key] = value;
            foreach (var entry in header.Entries)
            {
                using var flat = TensorBytes.ReadTensor(file, header.DataStart + entry.Begin, entry.Info.DType,
                                                        entry.Info.NumberOfElements, $"{path}: tensor '{entry.Info.Name}'");
                result.Add(entry.Info.Name, flat.reshape(entry.Info.Shape.ToArray()));
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Names, types, shapes and metadata, from the header alone.</summary>
    public static CheckpointSummary Inspect(string path)
    {
        var header = ReadHeader(path);
        return new CheckpointSummary(path, FormatName, "", header.Entries.Select(entry => entry.Info).ToList(), [],
                                     header.Metadata, []);
    }

    /// <summary>
    /// Writes the state dict (in its order) and its <see cref="StateDict.Metadata"/>, plus <paramref name="metadata"/>,
    /// through a temporary file and a rename, after checking the file fits on its disk.
    /// </summary>
    public static void Write(string path, StateDict stateDict, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = BuildHeader(stateDict, Merge(stateDict, metadata));
        AtomicFile.Write(path, stream => WriteBody(stream, header, stateDict), 8 + header.Length + DataBytes(stateDict));
    }

    /// <summary>Writes the same bytes as <see cref="Write(string, StateDict, IReadOnlyDictionary{string, string})"/> to a stream the caller owns.</summary>
    public static void Write(Stream destination, StateDict stateDict, IReadOnlyDictionary<string, string>? metadata = null) =>
        WriteBody(destination, BuildHeader(stateDict, Merge(stateDict, metadata)), stateDict);

    /// <summary>The size of the file <see cref="Write(string, StateDict, IReadOnlyDictionary{string, string})"/> writes, in bytes.</summary>
    public static long FileSize(StateDict stateDict, IReadOnlyDictionary<string, string>? metadata = null) =>
        8 + BuildHeader(stateDict, Merge(stateDict, metadata)).Length + DataBytes(stateDict);

    private static Dictionary<string, string> Merge(StateDict stateDict, IReadOnlyDictionary<string, string>? metadata)
    {
        var all = new Dictionary<string, string>(stateDict.Metadata, StringComparer.Ordinal);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            all[key] = value;
        return all;
    }

    private static long DataBytes(StateDict stateDict) => stateDict.Sum(p => p.Value.numel() * TensorBytes.ElementSize(p.Value.dtype));

    private static void WriteBody(Stream stream, byte[] header, StateDict stateDict)
    {
        TensorBytes.EnsureLittleEndianHost();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, tensor) in stateDict)
            TensorBytes.Write(tensor, stream);
    }

    internal static bool LooksLikeSafeTensors(ReadOnlySpan<byte> start, long fileLength) =>
        start.Length >= 9 && start[8] == (byte)'{'
                          && BinaryPrimitives.ReadUInt64LittleEndian(start) is var n && n <= MaxHeaderBytes && (long)n + 8 <= fileLength;

    private static byte[] BuildHeader(StateDict stateDict, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in stateDict)
            {
                if (name == "__metadata__")
                    throw new CxrVLException("a tensor cannot be named '__metadata__' in safetensors; rename it.");
                var bytes = tensor.numel() * TensorBytes.ElementSize(tensor.dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", DTypeName(tensor.dtype, name));
                json.WriteStartArray("shape");
                foreach (var size in tensor.shape)
                    json.WriteNumberValue(size);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++)
            buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static string DTypeName(ScalarType dtype, string name) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new CxrVLException($"tensor '{name}' has type {dtype}, which safetensors cannot store here; convert it first."),
    };

    private static ScalarType ParseDType(string text, string path, string name) => text switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new CheckpointException($"{path}: tensor '{name}' has dtype '{text}', which CxrVL does not read (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)."),
    };

    private sealed record Entry(TensorInfo Info, long Begin, long End);

    private sealed record Header(IReadOnlyList<Entry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart);

    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenHandle(string path)
    {
        try
        {
            return File.OpenHandle(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CxrVLException($"checkpoint '{path}' does not exist.");
        }
    }

    private static Header ReadHeader(string path)
    {
        using var file = OpenHandle(path);
        var fileLength = RandomAccess.GetLength(file);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (RandomAccess.Read(file, lengthBytes, 0) < 8)
            throw new CheckpointException($"{path} is too short to be a safetensors file.");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw new CheckpointException($"{path}: the safetensors header claims {headerLength} bytes but the file has {fileLength - 8} after the length (truncated or not safetensors).");
        var headerBytes = new byte[headerLength];
        RandomAccess.Read(file, headerBytes, 8);
        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: the safetensors header is not valid JSON ({e.Message}).");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{path}: the safetensors header is not a JSON object.");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new CheckpointException($"{path}: '__metadata__' must be an object of strings.");
                    foreach (var item in property.Value.EnumerateObject())
                        metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                            ? item.Value.GetString()!
                            : throw new CheckpointException($"{path}: metadata '{item.Name}' is not a string.");
                    continue;
                }
                entries.Add(ParseEntry(path, property));
            }
            CheckCoverage(path, entries, dataLength);
            return new Header(entries, metadata, dataStart);
        }
    }

    private static Entry ParseEntry(string path, JsonProperty property)
    {
        var name = property.Name;
        CheckpointException Bad(string what) => new($"{path}: tensor '{name}' {what}.");
        if (property.Value.ValueKind != JsonValueKind.Object
            || !property.Value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !property.Value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !property.Value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
            throw Bad("needs \"dtype\", \"shape\" and two \"data_offsets\"");
        var sizes = shape.EnumerateArray().Select(size => size.TryGetInt64(out var v) && v >= 0 ? v : throw Bad("has an invalid shape")).ToArray();
        var begin = offsets[0].TryGetInt64(out var b) && b >= 0 ? b : throw Bad("has invalid data_offsets");
        var end = offsets[1].TryGetInt64(out var e) && e >= begin ? e : throw Bad("has invalid data_offsets");
        var info = new TensorInfo(name, ParseDType(dtype.GetString()!, path, name), sizes);
        var expected = info.NumberOfElements * TensorBytes.ElementSize(info.DType);
        if (end - begin != expected)
            throw Bad($"spans {end - begin} bytes but {info.ShapeText} {dtype.GetString()} needs {expected}");
        return new Entry(info, begin, end);
    }

    /// <summary>The spec requires the entries to tile the data buffer exactly: no holes, no overlaps, nothing past the end.</summary>
    private static void CheckCoverage(string path, List<Entry> entries, long dataLength)
    {
        long position = 0;
        foreach (var entry in entries.OrderBy(entry => entry.Begin).ThenBy(entry => entry.End))
        {
            if (entry.Begin != position)
                throw new CheckpointException(
                    $"{path}: tensor '{entry.Info.Name}' starts at byte {entry.Begin} of the data, expected {position} (overlapping or holed safetensors file).");
            position = entry.End;
        }
        if (position > dataLength)
            throw new CheckpointException($"{path}: the tensors need {position} bytes of data but the file holds {dataLength} (truncated file).");
        if (position < dataLength)
            throw new CheckpointException($"{path}: {dataLength - position} bytes after the last tensor are not described by the header (damaged file).");
    }
}
