using System.Runtime.InteropServices;

namespace CxrVL.Runtime;

/// <summary>
/// glibc's default policy unmaps every freed block above the mmap threshold; training frees and re-allocates
/// the same large activation buffers every step, so each step faults millions of pages back in (measured on
/// the project's 2-core VM: ResNet-50 inference 6-9.5 img/s by default, 9.6-11.5 with the policy below).
/// Keeping freed memory in the heap trades a higher resident set for steady step times. With that, each of glibc's
/// per-thread arenas (up to 8 per core: loader workers, torch threads) keeps its own high-water mark, and the resident set
/// kept rising by 5-11% from step 50 to 200 of a pretraining run as batches of varying shapes landed in different
/// arenas (still 5.5-10.7% with two arenas); one arena held clip's within 1%, at the same speed within the noise of
/// an 80-step run. MALLOC_ARENA_MAX, when set, is left to glibc.
/// Set CXRVL_GLIBC_MALLOC_DEFAULTS=1 to keep glibc's defaults.
/// </summary>
internal static partial class NativeAllocator
{
    private const int TrimThreshold = -1;
    private const int MmapMax = -4;
    private const int ArenaMax = -8;
    private static int _applied;

    public static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("CXRVL_GLIBC_MALLOC_DEFAULTS") == "1")
            return;
        if (Interlocked.Exchange(ref _applied, 1) == 1)
            return;
        try
        {
            mallopt(MmapMax, 0);
            mallopt(TrimThreshold, int.MaxValue);
            if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null)
                mallopt(ArenaMax, 1);
        }
        catch (DllNotFoundException)
        {
            // Not glibc (musl): its allocator has no such knobs.
        }
        catch (EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
