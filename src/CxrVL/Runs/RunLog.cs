using System.Globalization;

namespace CxrVL.Runs;

/// <summary>The run's <c>log.txt</c>: timestamped lines, also echoed to the console unless told otherwise.</summary>
public sealed class RunLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    public RunLog(string path, TextWriter? console = null)
    {
        Path = path;
        Console = console ?? System.Console.Out;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public string Path { get; }

    public TextWriter Console { get; }

    public void Info(string message, bool echo = true)
    {
        var stamp = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _writer.WriteLine($"{stamp} {message}");
            if (echo)
                Console.WriteLine(message);
        }
    }

    /// <summary>
    /// Records the error that ended the run (not echoed: the command line prints it): a user error by its message, any
    /// other exception with its stack trace, which is what a bug report needs.
    /// </summary>
    public void Fatal(Exception error) =>
        Info(error is CxrVLException ? $"error: {error.Message}" : $"internal error: {error}", echo: false);

    public void Dispose() => _writer.Dispose();
}
