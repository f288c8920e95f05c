using System.Diagnostics;
using System.Globalization;

namespace CxrVL.Bench;

/// <summary>Wall time of the named phases of every step, so that a slow step shows which phase to look at.</summary>
internal sealed class PhaseTimes(params string[] names)
{
    private readonly List<double>[] _seconds = names.Select(_ => new List<double>()).ToArray();

    public IDisposable Time(int phase) => new Measurement(_seconds[phase]);

    /// <summary>A comment line with each phase's mean seconds over the steps after the first <paramref name="skipped"/>.</summary>
    public string Summary(int skipped) =>
        "# seconds per step: " + string.Join(", ", names.Select((name, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{name} {_seconds[i].Skip(skipped).DefaultIfEmpty().Average():0.000}")));

    /// <summary>A comment line with every step's seconds per phase, warm-up included (early steps run slower while memory is first touched).</summary>
    public string Steps() =>
        "# seconds by step: " + string.Join("; ", names.Select((name, i) =>
            $"{name} " + string.Join(" ", _seconds[i].Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)))));

    private sealed class Measurement(List<double> seconds) : IDisposable
    {
        private readonly long _start = Stopwatch.GetTimestamp();

        public void Dispose() => seconds.Add(Stopwatch.GetElapsedTime(_start).TotalSeconds);
    }
}
