namespace CxrVL.Data.Builders;

/// <summary>Named counters a build keeps (rows, images present and missing, boxes, masks, bad rows, ...).</summary>
public sealed class BuildCounts
{
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string name, long count = 1) =>
        _counts[name] = _counts.GetValueOrDefault(name) + count;

    public long this[string name] => _counts.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);
}
