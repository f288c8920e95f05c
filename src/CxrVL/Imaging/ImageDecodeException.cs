namespace CxrVL.Imaging;

/// <summary>An image file that is missing, unreadable, truncated or in a format CxrVL cannot decode.</summary>
public sealed class ImageDecodeException : CxrVLException
{
    public ImageDecodeException(string file, string reason, bool missing = false)
        : base($"image '{file}': {reason}")
    {
        File = file;
        Reason = reason;
        IsMissing = missing;
    }

    /// <summary>The file does not exist (as opposed to existing but failing to decode).</summary>
    public bool IsMissing { get; }

    public string File { get; }

    public string Reason { get; }
}
