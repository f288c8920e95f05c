namespace CxrVL.Weights;

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
