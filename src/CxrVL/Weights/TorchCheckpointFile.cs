using System.IO.Compression;
using System.Numerics;
using System.Text;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>
/// A file written by <c>torch.save</c>: the zip format (an archive folder with <c>data.pkl</c>, <c>byteorder</c> and
/// one <c>data/KEY</c> entry per storage, the default since PyTorch 1.6) or the legacy stream (magic number, protocol
/// version and system-info pickles, the object pickle, the list of storage keys, then each storage as an int64
/// element count followed by its bytes). The pickle is parsed by <see cref="PickleReader"/>; storage bytes are read
/// only when asked for.
/// </summary>
internal sealed class TorchCheckpointFile : IDisposable
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    private readonly string _path;
    private readonly ZipArchive? _zip;
    private string _zipPrefix = "";
    private readonly SafeFileHandle? _legacyFile;
    private readonly Dictionary<string, long> _legacyOffsets = [];
    private readonly Dictionary<string, StorageRef> _storages = [];

    private TorchCheckpointFile(string path, ZipArchive? zip, SafeFileHandle? legacyFile)
    {
        _path = path;
        _zip = zip;
        _legacyFile = legacyFile;
    }

    public object? Root { get; private set; }

    public string Format => _zip is not null ? "PyTorch zip (torch.save)" : "PyTorch legacy (torch.save, _use_new_zipfile_serialization=False)";

    public IReadOnlySet<string> SkippedGlobals { get; private set; } = new HashSet<string>();

    public static TorchCheckpointFile Open(string path, bool isZip, bool skipUnknown)
    {
        TensorBytes.EnsureLittleEndianHost();
        return isZip ? OpenZip(path, skipUnknown) : OpenLegacy(path, skipUnknown);
    }

    /// <summary>The storage's elements as a new 1-D tensor, checked against the size the pickle declares.</summary>
    public Tensor LoadStorage(StorageRef storage)
    {
        if (_zip is not null)
        {
            var entry = CheckStorage(storage)!;
            using var stream = OpenEntry(entry);
            return TensorBytes.ReadTensor(stream, storage.DType, storage.Numel, $"{_path}: storage '{entry.FullName}'");
        }
        CheckStorage(storage);
        return TensorBytes.ReadTensor(_legacyFile!, _legacyOffsets[storage.Key], storage.DType, storage.Numel, $"{_path}: storage '{storage.Key}'");
    }

    /// <summary>
    /// Checks, without reading its values, that the file holds the storage with as many bytes as the pickle declares,
    /// so a summary never reports sizes the file does not have. Returns the storage's zip entry (null for legacy files).
    /// </summary>
    internal ZipArchiveEntry? CheckStorage(StorageRef storage)
    {
        if (_zip is null)
        {
            // Legacy files: every listed storage's length was checked against the file when it was opened.
            return _legacyOffsets.ContainsKey(storage.Key)
                ? null
                : throw new CheckpointException($"{_path}: storage '{storage.Key}' is not in the file's storage list (damaged file?).");
        }
        var expected = storage.Numel * TensorBytes.ElementSize(storage.DType);
        var name = $"{_zipPrefix}data/{storage.Key}";
        var entry = _zip.GetEntry(name)
                    ?? throw new CheckpointException($"{_path} has no entry '{name}' for storage '{storage.Key}' (damaged file?).");
        if (entry.Length < expected)
            throw new CheckpointException(
                $"{_path}: storage '{name}' holds {entry.Length} bytes but the pickle declares {storage.Numel} {storage.DType} values ({expected} bytes); the file is damaged or truncated.");
        return entry;
    }

    public void Dispose()
    {
        _zip?.Dispose();
        _legacyFile?.Dispose();
    }

    private static TorchCheckpointFile OpenZip(string path, bool skipUnknown)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException($"{path} is a damaged or truncated zip file ({e.Message}); copy or download it again.");
        }
        try
        {
            if (zip.Entries.Any(e => e.FullName.EndsWith("constants.pkl", StringComparison.Ordinal) || e.FullName.Contains("/code/", StringComparison.Ordinal)))
                throw new CheckpointException(
                    $"{path} is a TorchScript archive (torch.jit.save); save the weights with torch.save(model.state_dict(), path) instead.");
            var pickle = zip.Entries.FirstOrDefault(entry => entry.FullName.EndsWith("data.pkl", StringComparison.Ordinal)
                                                             && entry.FullName.Count(c => c == '/') <= 1)
                         ?? throw new CheckpointException($"{path} is a zip file without data.pkl, so not a torch.save checkpoint.");
            var file = new TorchCheckpointFile(path, zip, null);
            file.ReadZipPickle(pickle, skipUnknown);
            return file;
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    private void ReadZipPickle(ZipArchiveEntry pickle, bool skipUnknown)
    {
        _zipPrefix = pickle.FullName[..^"data.pkl".Length];
        if (_zip!.GetEntry($"{_zipPrefix}byteorder") is { } byteOrder)
        {
            using var reader = new StreamReader(OpenEntry(byteOrder), Encoding.ASCII);
            var order = reader.ReadToEnd().Trim();
            if (order != "little")
                throw new CheckpointException($"{_path} stores {order}-endian tensors; only little-endian checkpoints are supported.");
        }
        using var stream = new MemoryStream();
        using (var entry = OpenEntry(pickle))
            entry.CopyTo(stream);
        stream.Position = 0;
        var unpickler = new PickleReader(stream, $"{_path} ({pickle.FullName})", LoadZipStorage, skipUnknown);
        Root = unpickler.Load();
        SkippedGlobals = unpickler.SkippedGlobals;
    }

    private Stream OpenEntry(ZipArchiveEntry entry)
    {
        try
        {
            return entry.Open();
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException($"{_path}: entry '{entry.FullName}' is damaged ({e.Message}).");
        }
    }

    private object LoadZipStorage(object? id)
    {
        // ('storage', storage type, key, location, numel)
        if (id is not object?[] { Length: 5 } tuple || tuple[0] as string != "storage" || tuple[2] is not string key)
            throw new CheckpointException($"{_path}: unexpected persistent id in data.pkl; re-save the checkpoint with torch.save.");
        return Storage(tuple[1], key, tuple[3], tuple[4]);
    }

    private static TorchCheckpointFile OpenLegacy(string path, bool skipUnknown)
    {
        var handle = File.OpenHandle(path);
        try
        {
            var file = new TorchCheckpointFile(path, null, handle);
            file.ReadLegacy(skipUnknown);
            return file;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private void ReadLegacy(bool skipUnknown)
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        object? Next(string what, Func<object?, object?> persistentLoad, out PickleReader reader)
        {
            reader = new PickleReader(stream, $"{_path} ({what})", persistentLoad, skipUnknown);
            return reader.Load();
        }
        object? NoPersistent(object? _) => throw new CheckpointException($"{_path}: unexpected persistent id in the header.");

        var magic = Next("header", NoPersistent, out _);
        if (magic is not BigInteger number || number != LegacyMagic)
            throw new CheckpointException(
                $"{_path} is not a PyTorch checkpoint (neither a torch.save zip, nor the legacy format, nor safetensors).");
        var protocol = Next("header", NoPersistent, out _);
        if (protocol is not 1001L)
            throw new CheckpointException($"{_path} uses legacy protocol version {protocol}, which is not supported (expected 1001).");
        if (Next("header", NoPersistent, out _) is PickleDict sysInfo && sysInfo.Get("little_endian") is false)
            throw new CheckpointException($"{_path} was written on a big-endian machine; only little-endian checkpoints are supported.");

        Root = Next("objects", LoadLegacyStorage, out var objects);
        SkippedGlobals = objects.SkippedGlobals;
        if (Next("storage keys", NoPersistent, out _) is not List<object?> keys)
            throw new CheckpointException($"{_path}: the legacy storage key list is missing (truncated file?).");

        var position = stream.Position;
        var length = stream.Length;
        Span<byte> count = stackalloc byte[8];
        foreach (var key in keys.Select(k => k as string ?? throw new CheckpointException($"{_path}: a storage key is not a string.")))
        {
            if (!_storages.TryGetValue(key, out var storage))
                throw new CheckpointException($"{_path}: storage '{key}' is listed but never used (damaged file?).");
            if (RandomAccess.Read(_legacyFile!, count, position) < 8)
                throw new CheckpointException($"{_path} ends before storage '{key}'; the file is truncated.");
            var numel = BitConverter.ToInt64(count);
            var bytes = numel * TensorBytes.ElementSize(storage.DType);
            if (numel != storage.Numel)
                throw new CheckpointException($"{_path}: storage '{key}' holds {numel} values but the pickle declares {storage.Numel}; the file is damaged.");
            if (position + 8 + bytes > length)
                throw new CheckpointException(
                    $"{_path}: storage '{key}' needs {bytes} bytes but the file ends after {length - position - 8}; the file is truncated.");
            _legacyOffsets[key] = position + 8;
            position += 8 + bytes;
        }
    }

    private object LoadLegacyStorage(object? id)
    {
        // ('storage', storage type, key, location, numel, view metadata)
        if (id is not object?[] { Length: 6 } tuple || tuple[0] as string != "storage" || tuple[2] is not string key)
            throw new CheckpointException($"{_path}: unexpected persistent id; re-save the checkpoint with torch.save.");
        if (tuple[5] is not null)
            throw new CheckpointException(
                $"{_path} uses storage views of the pre-1.0 legacy format, which are not supported; re-save it with a current torch.save.");
        return Storage(tuple[1], key, tuple[3], tuple[4]);
    }

    private StorageRef Storage(object? type, string key, object? location, object? numel)
    {
        if (_storages.TryGetValue(key, out var known))
            return known;
        if (type is not PickleGlobal global || !PickleReader.IsStorageType(global))
            throw new CheckpointException($"{_path}: storage '{key}' has no storage type.");
        var dtype = global.Name switch
        {
            "FloatStorage" => ScalarType.Float32,
            "DoubleStorage" => ScalarType.Float64,
            "HalfStorage" => ScalarType.Float16,
            "BFloat16Storage" => ScalarType.BFloat16,
            "LongStorage" => ScalarType.Int64,
            "IntStorage" => ScalarType.Int32,
            "ShortStorage" => ScalarType.Int16,
            "CharStorage" => ScalarType.Int8,
            "ByteStorage" or "UntypedStorage" => ScalarType.Byte,
            "BoolStorage" => ScalarType.Bool,
            _ => throw new CheckpointException($"{_path}: storage type torch.{global.Name} is not supported."),
        };
        if (numel is not long count || count < 0)
            throw new CheckpointException($"{_path}: storage '{key}' has no valid size.");
        var storage = new StorageRef(key, dtype, count, location as string ?? "cpu");
        _storages[key] = storage;
        return storage;
    }
}
