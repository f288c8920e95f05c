namespace CxrVL.Imaging;

/// <summary>How an image is decoded: to one gray channel, or keeping colour where the file has it (RGB order).</summary>
public enum ColorMode
{
    Gray,
    Color,
}
