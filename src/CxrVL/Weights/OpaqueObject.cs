namespace CxrVL.Weights;

/// <summary>
/// An object of a non-whitelisted type, kept inert when the caller asked to skip unknown objects: nothing of it runs.
/// Its pickled attribute state is kept as data, so the parameters of a whole pickled <c>nn.Module</c> can still be read.
/// </summary>
internal sealed class OpaqueObject(string typeName)
{
    public string TypeName { get; } = typeName;

    /// <summary>The state BUILD gave it (for a module, its <c>__dict__</c> with <c>_parameters</c>, <c>_buffers</c>, <c>_modules</c>).</summary>
    public object? State { get; set; }

    /// <summary>The arguments the pickle called its type with (REDUCE), kept as data: a numpy dtype's code, for example.</summary>
    public IReadOnlyList<object?> Arguments { get; init; } = [];

    public override string ToString() => $"<{TypeName}>";
}
