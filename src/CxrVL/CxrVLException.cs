namespace CxrVL;

/// <summary>
/// An error the user can fix: bad input, a missing file, a wrong key. The message names the file, row or key
/// and says what to do; the command line prints it without a stack trace.
/// </summary>
public class CxrVLException : Exception
{
    public CxrVLException(string message) : base(message) { }

    public CxrVLException(string message, Exception inner) : base(message, inner) { }
}
