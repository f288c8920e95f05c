namespace CxrVL.Imaging;

/// <summary>An image file that is missing, unreadable, truncated or in a format CxrVL cannot decode.</summary>
public sealed class ImageDecodeException : CxrVLException
{
    public ImageDecodeException(string file, string reason)
        : base($"image '{file}': {reason}")
    {
        File = file;
        Reason = reason;
    }

    public string File { get; }

    public string Reason { get; }
}
