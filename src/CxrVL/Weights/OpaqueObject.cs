namespace CxrVL.Weights;

/// <summary>An object of a non-whitelisted type, kept inert when the caller asked to skip unknown objects: nothing of it runs.</summary>
internal sealed record OpaqueObject(string TypeName)
{
    public override string ToString() => $"<{TypeName}>";
}
