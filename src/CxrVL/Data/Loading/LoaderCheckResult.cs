namespace CxrVL.Data.Loading;

/// <summary>What <see cref="LoaderCheck.Run"/> measured: rows read, samples per second per epoch, bad rows.</summary>
public sealed record LoaderCheckResult(int Rows, int Epochs, IReadOnlyList<double> SamplesPerSecond, LoaderStats Stats)
{
    public string Format()
    {
        var lines = new List<string> { $"rows: {Rows:N0}, epochs: {Epochs}, {Stats.Summary()}" };
        lines.AddRange(Stats.SkippedRows.Take(20).Select(row => $"  skipped {row.Value}"));
        if (Stats.SkippedRows.Count > 20)
            lines.Add($"  ... and {Stats.SkippedRows.Count - 20} more");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }
}
