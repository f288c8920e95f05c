using System.Diagnostics;
using CxrVL.Data.Manifest;

namespace CxrVL.Data.Loading;

/// <summary>
/// Runs the study loader over a manifest for a number of epochs, as training would read it, and reports throughput
/// and the bad rows: a dataset check before a long run (<c>cxrvl data load</c>).
/// </summary>
public static class LoaderCheck
{
    /// <param name="root">Dataset root; null takes it from the manifest's info file.</param>
    /// <param name="split">Only rows of this split; null for all.</param>
    /// <param name="report">Called with one line per epoch.</param>
    public static LoaderCheckResult Run(string manifest, string? root, string? split, StudyOptions study, LoaderOptions loader,
        int epochs, bool train, Action<string>? report = null)
    {
        if (epochs < 1)
            throw new CxrVLException($"--epochs must be at least 1 (got {epochs}).");
        root ??= ManifestInfo.ReadFor(manifest).Root;
        var rows = ManifestReader.Read(manifest).Where(r => split is null || r.Split == split).ToArray();
        if (rows.Length == 0)
            throw new CxrVLException($"manifest '{manifest}' has no rows{(split is null ? "" : $" in split '{split}'")}.");
        var batches = StudyLoader.Create(rows, root, study, loader, train);
        var rates = new List<double>();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            long samples = 0;
            foreach (var batch in batches.ReadEpoch(epoch))
            {
                using (batch)
                    samples += batch.Count;
            }
            rates.Add(samples / Math.Max(watch.Elapsed.TotalSeconds, 1e-9));
            report?.Invoke($"epoch {epoch + 1}: {samples:N0} samples, {rates[^1]:N0} samples/s");
        }
        return new LoaderCheckResult(rows.Length, epochs, rates, batches.Stats);
    }
}
