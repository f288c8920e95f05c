using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace CxrVL.Bench;

/// <summary>
/// Checks whether CxrVL's glibc policy (no mmap for large blocks) reaches libtorch on the calling thread: glibc's
/// count of mmapped bytes (<c>mallinfo2().hblkhd</c>) must not grow by a 256 MB tensor. glibc applies
/// <c>M_MMAP_MAX</c> only in the main arena, i.e. on the process's main thread (where the benchmark runs); other
/// threads' large blocks are still mmapped unless <c>MALLOC_ARENA_MAX=1</c> is set before the process starts.
/// </summary>
internal static class AllocatorProbe
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [DllImport("libc")]
    private static extern MallInfo2 mallinfo2();

    /// <summary>Megabytes of a 256 MB tensor that came from mmap on this thread (0 when the policy holds), or null off glibc.</summary>
    public static long? MmappedMegabytesFor256MbTensor()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            var before = (long)mallinfo2().HBlkHd;
            using var probe = empty(64L << 20, dtype: ScalarType.Float32);
            return ((long)mallinfo2().HBlkHd - before) >> 20;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }
}
