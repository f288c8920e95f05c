using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>A Python global (<c>module.name</c>) named by a pickle; only a whitelist of them means anything to us.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";

    public override string ToString() => FullName;
}

/// <summary>A dict (or a dict-like data object such as <c>argparse.Namespace</c>) in pickle order; keys may be any value.</summary>
internal sealed class PickleDict
{
    public PickleDict(string? typeName = null) => TypeName = typeName;

    /// <summary>The Python type when it was not a plain dict (for display), else null.</summary>
    public string? TypeName { get; }

    public List<KeyValuePair<object?, object?>> Entries { get; } = [];

    public void Set(object? key, object? value)
    {
        var i = Entries.FindIndex(entry => Equals(entry.Key, key));
        if (i >= 0)
            Entries[i] = new(key, value);
        else
            Entries.Add(new(key, value));
    }

    public object? Get(string key) => Entries.FirstOrDefault(entry => entry.Key as string == key).Value;
}

/// <summary>An object of a non-whitelisted type, kept inert when the caller asked to skip unknown objects: nothing of it runs.</summary>
internal sealed record OpaqueObject(string TypeName)
{
    public override string ToString() => $"<{TypeName}>";
}

/// <summary>A storage the pickle refers to by key; its bytes live elsewhere in the file.</summary>
internal sealed record StorageRef(string Key, ScalarType DType, long Numel, string Location);

/// <summary>A tensor as the pickle describes it: a strided view into a storage.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Shape, long[] Stride);
