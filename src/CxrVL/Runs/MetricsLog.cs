using System.Text.Json;

namespace CxrVL.Runs;

/// <summary>
/// Appends one JSON object per line to <c>metrics.jsonl</c>, flushed at once so a killed run keeps every line it
/// logged. Non-finite numbers are written as strings ("NaN", "Infinity") so each line stays valid JSON.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    public MetricsLog(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public string Path { get; }

    /// <summary>Raised after each line is written, with its values: how a library caller follows a run as it trains.</summary>
    public event EventHandler<RunMetricsEventArgs>? Written;

    public void Write(IReadOnlyDictionary<string, object?> values)
    {
        var line = JsonSerializer.Serialize(values, Options);
        lock (_gate)
            _writer.WriteLine(line);
        Written?.Invoke(this, new RunMetricsEventArgs(values));
    }

    /// <summary>Reads every line of a metrics file back, for plots, reports and tests.</summary>
    public static IEnumerable<JsonElement> Read(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length > 0)
                yield return JsonDocument.Parse(line).RootElement.Clone();
        }
    }

    public void Dispose() => _writer.Dispose();
}
