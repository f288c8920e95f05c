using CxrVL.Imaging;

namespace CxrVL.Data.Loading;

/// <summary>Maps image failures onto the loader's bad-row kinds.</summary>
internal static class BadRows
{
    public static BadRowException FromImage(string row, ImageDecodeException error) =>
        new(row, error.IsMissing ? BadRowException.MissingImage : BadRowException.CorruptImage, error.Reason, error.File, error);
}
