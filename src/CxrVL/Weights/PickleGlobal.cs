namespace CxrVL.Weights;

/// <summary>A Python global (<c>module.name</c>) named by a pickle; only a whitelist of them means anything to us.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";

    public override string ToString() => FullName;
}
