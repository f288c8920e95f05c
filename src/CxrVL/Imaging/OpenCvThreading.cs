using OpenCvSharp;

namespace CxrVL.Imaging;

/// <summary>
/// Turns off OpenCV's own thread pool: the loader already runs one decode per worker, and OpenCV's parallel resize
/// on top of that oversubscribes the cores (measured slower on the project's 2-core machine). Process-wide, once.
/// </summary>
internal static class OpenCvThreading
{
    private static int _applied;

    public static void UseCallerThreads()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 0)
            Cv2.SetNumThreads(1);
    }
}
