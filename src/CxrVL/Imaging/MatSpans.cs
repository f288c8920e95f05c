using OpenCvSharp;

namespace CxrVL.Imaging;

/// <summary>Spans over the rows of an OpenCV matrix (which may be a region with a row stride).</summary>
internal static class MatSpans
{
    public static unsafe Span<T> Row<T>(Mat mat, int row, int count) where T : unmanaged =>
        new((byte*)mat.Data + (long)row * mat.Step(), count);
}
