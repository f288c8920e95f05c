using System.Runtime.InteropServices;

namespace CxrVL.Runtime;

/// <summary>
/// libtorch's CPU build does its float matrix products in Intel MKL, which takes its AVX2 / AVX-512 kernels only when
/// the CPU says GenuineIntel and a slow generic path elsewhere. Measured on this project's AMD EPYC (AVX-512): fp32
/// GEMM 50-86 GFLOP/s by default against 150-180 with the Intel kernels (Debian's PyTorch with OpenBLAS: 75-110), so
/// every transformer trained about half as fast as it could. MKL asks one exported function of libtorch_cpu,
/// <c>mkl_serv_intel_cpu_true</c>, whether the CPU is Intel; the common fix preloads a library that answers yes. This
/// does the same in-process, once, before torch's first matrix product: it rewrites that function to return 1. MKL
/// still picks the kernels from the instruction sets the CPU reports. <c>CXRVL_MKL_VENDOR_CHECK=1</c> keeps MKL's choice.
/// </summary>
internal static unsafe partial class MklCpuDispatch
{
    private const int ProtectRead = 1, ProtectWrite = 2, ProtectExecute = 4;
    private static readonly byte[] ReturnOne = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3];
    private static int _applied;

    /// <summary>What was done, for <c>cxrvl env</c>.</summary>
    public static string Status { get; private set; } = "MKL chooses its kernels by CPU vendor (not changed)";

    public static void UseInstructionSetsOnAnyVendor()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1)
            return;
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || !IsAmd())
            return;
        if (Environment.GetEnvironmentVariable("CXRVL_MKL_VENDOR_CHECK") == "1")
        {
            Status = "MKL vendor check kept (CXRVL_MKL_VENDOR_CHECK=1): generic kernels on this AMD CPU";
            return;
        }
        try
        {
            var function = LoadedLibraries.Symbol("libtorch_cpu.so", "mkl_serv_intel_cpu_true");
            if (function == 0)
            {
                Status = "MKL vendor check kept: libtorch_cpu has no mkl_serv_intel_cpu_true";
                return;
            }
            var pageSize = Environment.SystemPageSize;
            var page = function & ~(nint)(pageSize - 1);
            var length = (nuint)(function + ReturnOne.Length - page);
            if (mprotect(page, length, ProtectRead | ProtectWrite | ProtectExecute) != 0)
            {
                Status = "MKL vendor check kept: the code page cannot be made writable here";
                return;
            }
            Marshal.Copy(ReturnOne, 0, function, ReturnOne.Length);
            mprotect(page, length, ProtectRead | ProtectExecute);
            var answer = ((delegate* unmanaged<int>)function)();
            Status = answer == 1
                ? "MKL uses its Intel kernels on this AMD CPU (vendor check answered in-process)"
                : "MKL vendor check kept: the rewrite did not take";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Status = $"MKL vendor check kept: {e.Message}";
        }
    }

    private static bool IsAmd()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("vendor_id", StringComparison.Ordinal) && l.Contains("AuthenticAMD", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int mprotect(nint address, nuint length, int protection);
}
