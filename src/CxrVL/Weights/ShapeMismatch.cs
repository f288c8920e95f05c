namespace CxrVL.Weights;

/// <summary>A key present in both the checkpoint and the module with different shapes.</summary>
public sealed record ShapeMismatch(string Key, IReadOnlyList<long> CheckpointShape, IReadOnlyList<long> ModuleShape)
{
    public override string ToString() => $"{Key}: checkpoint [{string.Join(", ", CheckpointShape)}] vs module [{string.Join(", ", ModuleShape)}]";
}
