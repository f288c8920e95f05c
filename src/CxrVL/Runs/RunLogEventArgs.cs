namespace CxrVL.Runs;

/// <summary>One line of what a library call reports as it works (a run's log lines and progress).</summary>
public sealed class RunLogEventArgs(string message) : EventArgs
{
    public string Message { get; } = message;
}
