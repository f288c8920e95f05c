namespace CxrVL.Runtime.Distributed;

/// <summary>
/// An MPI call failed. Under training this almost always means another rank died (killed, out of memory, a failed
/// node): the job cannot continue, and the run resumes from its last checkpoint with any number of ranks.
/// </summary>
public sealed class MpiException(string call, int code, string text)
    : CxrVLException($"{call} failed (MPI error {code}: {text}); another rank has probably stopped, so this job ends. " +
                     "Resume it from its last checkpoint with --resume RUN (any number of ranks).")
{
    public int Code { get; } = code;
}
