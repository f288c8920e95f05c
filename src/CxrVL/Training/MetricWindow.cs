namespace CxrVL.Training;

/// <summary>Means of the values logged once per optimizer step, and the sample throughput, between two log lines.</summary>
internal sealed class MetricWindow
{
    private readonly Dictionary<string, (double Sum, int Count)> _values = new(StringComparer.Ordinal);
    private long _samples;
    private double _seconds;

    public void Add(string name, double value)
    {
        _values.TryGetValue(name, out var entry);
        _values[name] = (entry.Sum + value, entry.Count + 1);
    }

    public void AddSamples(long samples, double seconds)
    {
        _samples += samples;
        _seconds += seconds;
    }

    public double SamplesPerSecond => _seconds > 0 ? _samples / _seconds : 0;

    public IEnumerable<(string Name, double Mean)> Means() => _values.Select(v => (v.Key, v.Value.Sum / v.Value.Count));

    public double Mean(string name) => _values.TryGetValue(name, out var entry) ? entry.Sum / entry.Count : double.NaN;

    public void Clear()
    {
        _values.Clear();
        _samples = 0;
        _seconds = 0;
    }
}
