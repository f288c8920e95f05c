namespace CxrVL.Runs;

/// <summary>Reports how far a long piece of work has come.</summary>
public interface IProgressTracker
{
    void Advance(long count = 1);

    /// <summary>A short status shown after the counts, for example the current loss.</summary>
    void SetStatus(string status);
}
