namespace CxrVL.Serving;

/// <summary>An upload or option the service refuses: the HTTP status (4xx) and one message naming the field and what is wrong.</summary>
public sealed class ServingRefusal(int status, string message) : CxrVLException(message)
{
    public int Status { get; } = status;
}
