using System.Collections.Concurrent;

namespace CxrVL.Data.Loading;

/// <summary>What a loader has read so far: samples delivered and bad rows skipped, by kind. Thread-safe.</summary>
public sealed class LoaderStats
{
    private readonly ConcurrentDictionary<string, int> _skippedByKind = new();
    private readonly ConcurrentDictionary<string, string> _skippedRows = new();
    private long _samples;
    private long _skips;

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Skips over all epochs (a bad row counts once per epoch it was met).</summary>
    public long Skips => Interlocked.Read(ref _skips);

    /// <summary>Distinct bad rows by kind.</summary>
    public IReadOnlyDictionary<string, int> SkippedByKind => new SortedDictionary<string, int>(_skippedByKind);

    /// <summary>Distinct bad rows with the first message seen for each.</summary>
    public IReadOnlyDictionary<string, string> SkippedRows => new SortedDictionary<string, string>(_skippedRows, StringComparer.Ordinal);

    internal void Loaded(int count) => Interlocked.Add(ref _samples, count);

    internal void Skipped(BadRowException error)
    {
        Interlocked.Increment(ref _skips);
        if (_skippedRows.TryAdd(error.Row, error.Message))
            _skippedByKind.AddOrUpdate(error.Kind, 1, (_, n) => n + 1);
    }

    /// <summary>One line for the end of a run: "4,950 samples; skipped 3 bad rows (corrupt image: 1, missing image: 2)".</summary>
    public string Summary()
    {
        var kinds = SkippedByKind;
        var skipped = kinds.Values.Sum();
        var text = $"{Samples:N0} samples";
        return skipped == 0
            ? text + "; no bad rows skipped"
            : text + $"; skipped {skipped} bad row{(skipped == 1 ? "" : "s")} ({string.Join(", ", kinds.Select(k => $"{k.Key}: {k.Value}"))})";
    }
}
