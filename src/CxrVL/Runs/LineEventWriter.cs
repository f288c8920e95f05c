using System.Text;

namespace CxrVL.Runs;

/// <summary>
/// A text writer that hands each completed line to a callback instead of printing it: the library's logs and
/// progress lines become events for a caller that has no console.
/// </summary>
public sealed class LineEventWriter(Action<string> line) : TextWriter
{
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        string? completed = null;
        lock (_gate)
        {
            if (value == '\n')
            {
                completed = _pending.ToString().TrimEnd('\r');
                _pending.Clear();
            }
            else
            {
                _pending.Append(value);
            }
        }
        if (completed is not null)
            line(completed);
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
            Write(c);
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }
}
