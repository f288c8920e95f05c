namespace CxrVL.Runs;

/// <summary>One line of a run's <c>metrics.jsonl</c> (a training step's losses and rate, or a validation's metrics).</summary>
public sealed class RunMetricsEventArgs(IReadOnlyDictionary<string, object?> values) : EventArgs
{
    public IReadOnlyDictionary<string, object?> Values { get; } = values;

    /// <summary>The value of a numeric metric (<c>loss</c>, <c>val_recall</c>, ...), or null when this line has none.</summary>
    public double? Number(string name) =>
        Values.TryGetValue(name, out var value) && value is IConvertible number and not string ? Convert.ToDouble(number, System.Globalization.CultureInfo.InvariantCulture) : null;
}
