using System.Diagnostics;

namespace CxrVL.Runs;

/// <summary>Progress as plain lines (<c>desc: 120/1000 (12.0%) 35.2 it/s elapsed 00:03 ETA 00:25</c>) at most once per interval.</summary>
public sealed class PlainProgressTracker(string description, long total, string unit, TextWriter output, TimeSpan interval)
    : IProgressTracker
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastPrint = TimeSpan.Zero;
    private long _done;
    private long _printed = -1;
    private string _status = "";

    public void Advance(long count = 1)
    {
        _done += count;
        var now = _clock.Elapsed;
        if (now - _lastPrint >= interval)
        {
            _lastPrint = now;
            Print();
        }
    }

    public void SetStatus(string status) => _status = status;

    /// <summary>Prints the final line, unless the last line printed already shows the final count.</summary>
    public void Finish()
    {
        if (_printed != _done)
            Print();
    }

    private void Print()
    {
        var elapsed = _clock.Elapsed;
        var rate = elapsed.TotalSeconds > 0 ? _done / elapsed.TotalSeconds : 0;
        var line = ProgressText.Line(description, _done, total, rate, unit, elapsed);
        _printed = _done;
        output.WriteLine(_status.Length == 0 ? line : $"{line} {_status}");
        output.Flush();
    }
}
