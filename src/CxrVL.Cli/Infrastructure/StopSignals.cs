using System.Runtime.InteropServices;

namespace CxrVL.Cli.Infrastructure;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM (what <c>kill</c>, systemd, Docker and job schedulers send) as one request: stop after
/// the current step, the way the command says (a training run writes a checkpoint first). A second signal ends the
/// process at once.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    /// <param name="message">Printed on the first signal: what happens now.</param>
    /// <param name="terminate">Handle SIGTERM too; off under mpirun, where SIGTERM means another rank of the job died.</param>
    public StopSignals(TextWriter error, string message, bool terminate = true)
    {
        var signals = terminate ? new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM } : [PosixSignal.SIGINT];
        foreach (var signal in signals)
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (Interlocked.CompareExchange(ref _received, (int)context.Signal, 0) != 0)
                    return;
                context.Cancel = true;
                _stop.Cancel();
                error.WriteLine($"{Name(context.Signal)}: {message}; send it again to abort");
                error.Flush();
            }));
        }
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>The exit code of a run that stopped on a signal: 128 + its number (130 for Ctrl+C, 143 for SIGTERM); 0 otherwise.</summary>
    public int ExitCode => Volatile.Read(ref _received) switch
    {
        0 => 0,
        var signal when signal == (int)PosixSignal.SIGTERM => 143,
        _ => 130,
    };

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _stop.Dispose();
    }

    private static string Name(PosixSignal signal) => signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl+C";
}
