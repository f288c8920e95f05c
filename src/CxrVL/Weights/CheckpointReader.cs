using System.Globalization;
using System.Numerics;
using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>
/// Reads state dicts from PyTorch checkpoints (<c>torch.save</c> zip or legacy files, Lightning <c>.ckpt</c>,
/// <c>{"model": ...}</c> wrappers) and safetensors files; the format is detected from the file's first bytes.
/// PyTorch pickles are interpreted by a restricted unpickler that never executes anything (see <see cref="PickleReader"/>).
/// An ONNX model (<c>.onnx</c>) is mapped onto torchvision or Hugging Face names by <see cref="Onnx.OnnxImporter"/>.
/// </summary>
public static class CheckpointReader
{
    private static readonly string[] StateDictKeys = ["state_dict", "model", "model_state_dict", "module", "net", "network"];

    /// <summary>Reads the checkpoint's state dict. Tensors that shared a storage in the file share memory here too.</summary>
    public static StateDict Read(string path, CheckpointReadOptions? options = null)
    {
        options ??= new CheckpointReadOptions();
        var format = Detect(path);
        if (format == FileFormat.SafeTensors)
            return SafeTensors.Read(path);
        if (format == FileFormat.Onnx)
            return ReadOnnx(path);
        using var file = TorchCheckpointFile.Open(path, format == FileFormat.Zip, options.SkipUnknownObjects);
        var (_, tensors) = Locate(path, file.Root, options.Entry);
        return Materialize(path, file, tensors);
    }

    /// <summary>
    /// Reads a file that holds one tensor: <c>torch.save</c> of a bare tensor (XProNet's <c>init_prototypes.pt</c>), or
    /// a state dict with the tensor <paramref name="name"/> or with a single tensor. The result is the caller's to dispose.
    /// </summary>
    public static Tensor ReadTensor(string path, string name)
    {
        var format = Detect(path);
        if (format is FileFormat.Zip or FileFormat.Legacy)
        {
            using var file = TorchCheckpointFile.Open(path, format == FileFormat.Zip, skipUnknown: false);
            if (file.Root is TensorRef bare)
            {
                using var single = Materialize(path, file, [new NamedTensor("tensor", bare)]);
                return single["tensor"].clone();
            }
        }
        using var state = Read(path);
        if (state.TryGetValue(name, out var named))
            return named.clone();
        return state.Count == 1
            ? state[0].Value.clone()
            : throw new CxrVLException($"{path} holds neither one tensor nor a tensor named '{name}' (it holds {string.Join(", ", state.Keys.Take(8))}).");
    }

    /// <summary>Names, types and shapes of the state dict and the checkpoint's other entries, without reading tensor values.</summary>
    public static CheckpointSummary Inspect(string path, CheckpointReadOptions? options = null)
    {
        options ??= new CheckpointReadOptions();
        var format = Detect(path);
        if (format == FileFormat.SafeTensors)
            return SafeTensors.Inspect(path);
        if (format == FileFormat.Onnx)
        {
            using var onnx = ReadOnnx(path);
            return new CheckpointSummary(path, "ONNX (mapped to PyTorch names)", "", onnx.Select(t => new TensorInfo(t.Key, t.Value.dtype, t.Value.shape)).ToList(),
                                         [], onnx.Metadata, []);
        }
        using var file = TorchCheckpointFile.Open(path, format == FileFormat.Zip, options.SkipUnknownObjects);
        var (entry, tensors) = Locate(path, file.Root, options.Entry);
        // The same checks a read makes, minus the values: a pickle that claims more than its storages hold is refused here
        // as convert and --init refuse it, instead of being summarised as billions of parameters.
        foreach (var (name, reference) in tensors)
        {
            CheckExtent(path, name, reference);
            file.CheckStorage(reference.Storage);
        }
        var infos = tensors.Select(t => new TensorInfo(t.Name, t.Tensor.Storage.DType, t.Tensor.Shape)).ToList();
        var others = file.Root is PickleDict root && entry != ""
            ? root.Entries.Where(e => entry != KeyText(e.Key) && !entry.StartsWith(KeyText(e.Key) + ".", StringComparison.Ordinal))
                  .Select(e => $"{KeyText(e.Key)}: {Describe(e.Value)}").ToList()
            : [];
        return new CheckpointSummary(path, file.Format, entry, infos, others, new Dictionary<string, string>(), file.SkippedGlobals);
    }

    private enum FileFormat { Zip, Legacy, SafeTensors, Onnx }

    private static StateDict ReadOnnx(string path)
    {
        var import = Onnx.OnnxImporter.Read(path);
        import.Weights.Metadata["source"] = Path.GetFileName(path);
        import.Weights.Metadata["converted"] = import.Summary;
        return import.Weights;
    }

    private static FileFormat Detect(string path)
    {
        if (Directory.Exists(path))
            throw new CxrVLException($"'{path}' is a folder; pass the checkpoint file itself (.pt, .pth, .bin, .ckpt or .safetensors).");
        if (!File.Exists(path))
            throw new CxrVLException($"checkpoint '{path}' does not exist.");
        Span<byte> start = stackalloc byte[9];
        int read;
        long length;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            length = stream.Length;
        }
        if (read >= 4 && start[0] == (byte)'P' && start[1] == (byte)'K' && start[2] is 3 or 5 or 7)
            return FileFormat.Zip;
        if (SafeTensors.LooksLikeSafeTensors(start[..read], length))
            return FileFormat.SafeTensors;
        if (read >= 2 && start[0] == 0x80)
            return FileFormat.Legacy;
        // An ONNX ModelProto opens with field 1 (ir_version, a varint): byte 0x08.
        if (read >= 2 && start[0] == 0x08 && path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            return FileFormat.Onnx;
        throw new CheckpointException(
            $"{path} is not a checkpoint CxrVL reads: expected a torch.save file (zip or legacy pickle), safetensors or an ONNX model (.onnx)" +
            (read == 0 ? " (the file is empty)." : "."));
    }

    private sealed record NamedTensor(string Name, TensorRef Tensor);

    /// <summary>Finds the state dict in the unpickled object and flattens it to named tensor references.</summary>
    private static (string Entry, List<NamedTensor> Tensors) Locate(string path, object? root, string? entry)
    {
        if (entry is not null)
        {
            var node = root;
            foreach (var part in entry.Split('.', StringSplitOptions.RemoveEmptyEntries))
                node = node is PickleDict dict && dict.Entries.Any(e => KeyText(e.Key) == part)
                    ? dict.Entries.First(e => KeyText(e.Key) == part).Value
                    : throw new CxrVLException($"{path} has no entry '{entry}' (top-level entries: {TopLevel(root)}).");
            return (entry, Flatten(path, entry, node));
        }
        if (root is TensorRef)
            throw new CxrVLException($"{path} holds a single tensor, not a state dict; save a dict of named tensors.");
        if (ModuleState(root) is not null)
            return ("", Flatten(path, "", root));
        if (root is not PickleDict top)
            throw new CxrVLException($"{path} holds a {Describe(root)}, not a state dict; save a dict of named tensors.");
        foreach (var key in StateDictKeys)
            if (ContainsTensors(top.Get(key)))
                return Locate(path, root, key);
        if (top.Entries.Any(e => e.Value is TensorRef))
            return ("", Flatten(path, "", top));
        var holders = top.Entries.Where(e => ContainsTensors(e.Value)).ToList();
        if (holders.Count == 1)
            return Locate(path, root, KeyText(holders[0].Key));
        throw new CxrVLException(holders.Count == 0
            ? $"{path} contains no tensors (top-level entries: {TopLevel(root)})."
            : $"{path} has several entries with tensors ({string.Join(", ", holders.Select(h => KeyText(h.Key)))}); choose one with --entry.");
    }

    /// <summary>Deeper nesting than any state dict has; a pickle can also make a dict contain itself.</summary>
    private const int MaxDepth = 64;

    /// <summary>A dict, or an inert pickled <c>nn.Module</c>, that holds tensors somewhere below it.</summary>
    private static bool ContainsTensors(object? node, int depth = 0) =>
        depth < MaxDepth && node switch
        {
            PickleDict dict => dict.Entries.Any(e => e.Value is TensorRef || ContainsTensors(e.Value, depth + 1)),
            OpaqueObject when ModuleState(node) is { } state => ContainsTensors(state, depth + 1),
            _ => false,
        };

    /// <summary>
    /// The attribute state of a pickled <c>nn.Module</c> (kept inert with SkipUnknownObjects): a dict with
    /// <c>_parameters</c>, <c>_buffers</c> and <c>_modules</c>.
    /// </summary>
    private static PickleDict? ModuleState(object? node) =>
        node is OpaqueObject { State: PickleDict state } && state.Get("_parameters") is PickleDict ? state : null;

    private static List<NamedTensor> Flatten(string path, string entry, object? node)
    {
        if (node is not PickleDict && ModuleState(node) is null)
            throw new CxrVLException($"{path}: entry '{entry}' is a {Describe(node)}, not a dict of tensors.");
        var result = new List<NamedTensor>();
        void Visit(object? value, string name, int depth)
        {
            if (depth >= MaxDepth)
                throw new CheckpointException($"{path}: the state dict nests deeper than {MaxDepth} levels at '{name}' (damaged or cyclic pickle).");
            switch (value)
            {
                case TensorRef tensor:
                    result.Add(new(name, tensor));
                    break;
                case PickleDict dict:
                    foreach (var (key, inner) in dict.Entries)
                        Visit(inner, Join(name, KeyText(key)), depth + 1);
                    break;
                case OpaqueObject when ModuleState(value) is { } module:
                    // A module's state dict: its parameters, its persistent buffers, then its children, as nn.Module.state_dict() orders them.
                    var transient = module.Get("_non_persistent_buffers_set") as List<object?> ?? [];
                    foreach (var part in new[] { "_parameters", "_buffers" })
                        if (module.Get(part) is PickleDict tensors)
                            foreach (var (key, tensor) in tensors.Entries)
                                if (tensor is TensorRef && !transient.Contains(key))
                                    Visit(tensor, Join(name, KeyText(key)), depth + 1);
                    if (module.Get("_modules") is PickleDict children)
                        foreach (var (key, child) in children.Entries)
                            Visit(child, Join(name, KeyText(key)), depth + 1);
                    break;
                case OpaqueObject opaque:
                    throw new CheckpointException(
                        $"{path}: '{name}' in the state dict is an object of the Python type '{opaque.TypeName}', which CxrVL does not load.");
                default:
                    // Plain values next to tensors (a version number, a step count, an empty submodule slot) are not weights.
                    break;
            }
        }
        Visit(node, "", 0);
        return result;
    }

    private static string Join(string prefix, string key) => prefix == "" ? key : $"{prefix}.{key}";

    private static StateDict Materialize(string path, TorchCheckpointFile file, List<NamedTensor> tensors)
    {
        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var result = new StateDict();
        try
        {
            foreach (var (name, reference) in tensors)
            {
                CheckExtent(path, name, reference);
                if (!storages.TryGetValue(reference.Storage.Key, out var storage))
                    storages[reference.Storage.Key] = storage = file.LoadStorage(reference.Storage);
                result.Add(name, storage.as_strided(reference.Shape, reference.Stride, reference.Offset));
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            // The views keep the storage memory alive; the 1-D storage handles are not needed any more.
            foreach (var storage in storages.Values)
                storage.Dispose();
        }
    }

    private static void CheckExtent(string path, string name, TensorRef tensor)
    {
        if (tensor.Shape.Length != tensor.Stride.Length)
            throw new CheckpointException($"{path}: tensor '{name}' has {tensor.Shape.Length} sizes but {tensor.Stride.Length} strides (damaged file).");
        if (tensor.Shape.Any(size => size < 0) || tensor.Stride.Any(stride => stride < 0) || tensor.Offset < 0)
            throw new CheckpointException($"{path}: tensor '{name}' has a negative size, stride or offset (damaged file).");
        if (tensor.Shape.Contains(0))
            return;
        long last;
        try
        {
            last = checked(tensor.Offset + tensor.Shape.Zip(tensor.Stride, (size, stride) => (size - 1) * stride).Sum());
            _ = tensor.Shape.Aggregate(1L, (product, size) => checked(product * size));
        }
        catch (OverflowException)
        {
            throw new CheckpointException($"{path}: tensor '{name}' {Shape(tensor.Shape)} is too large to address (damaged file).");
        }
        if (last >= tensor.Storage.Numel)
            throw new CheckpointException(
                $"{path}: tensor '{name}' {Shape(tensor.Shape)} needs element {last} of storage '{tensor.Storage.Key}', " +
                $"which holds only {tensor.Storage.Numel} {tensor.Storage.DType} values; the file is damaged.");
    }

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";

    private static string Count(int count, string one, string many) => $"{count} {(count == 1 ? one : many)}";

    private static string KeyText(object? key) => key switch
    {
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        _ => key?.ToString() ?? "None",
    };

    private static string TopLevel(object? root) =>
        root is PickleDict dict ? string.Join(", ", dict.Entries.Select(e => KeyText(e.Key))) : Describe(root);

    private static string Describe(object? value) => value switch
    {
        null => "None",
        bool flag => flag ? "True" : "False",
        long or BigInteger => $"{value}",
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        string text => text.Length <= 60 ? $"'{text}'" : $"'{text[..57]}...'",
        byte[] bytes => $"bytes ({bytes.Length})",
        TensorRef tensor => $"tensor {tensor.Storage.DType} {Shape(tensor.Shape)}",
        PickleDict dict => $"{dict.TypeName ?? "dict"} ({Count(dict.Entries.Count, "entry", "entries")})",
        List<object?> list => $"list ({Count(list.Count, "item", "items")})",
        object?[] tuple => $"tuple ({Count(tuple.Length, "item", "items")})",
        OpaqueObject opaque => $"<{opaque.TypeName}, skipped>",
        PickleGlobal global => $"<{global.FullName}>",
        _ => value.GetType().Name,
    };
}
