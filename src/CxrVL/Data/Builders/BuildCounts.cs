namespace CxrVL.Data.Builders;

/// <summary>Named counters a build keeps (rows, images present and missing, boxes, masks, bad rows, ...); safe to add to from several threads.</summary>
public sealed class BuildCounts
{
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string name, long count = 1)
    {
        lock (_counts)
            _counts[name] = _counts.GetValueOrDefault(name) + count;
    }

    public long this[string name]
    {
        get
        {
            lock (_counts)
                return _counts.GetValueOrDefault(name);
        }
    }

    public IReadOnlyDictionary<string, long> Snapshot()
    {
        lock (_counts)
            return new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);
    }
}
