using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace CxrVL.Runtime;

/// <summary>
/// The data caches as this CPU reports them through CPUID, read the way oneDNN's bundled Xbyak reads them, and as
/// the C library reports them. Some virtual machines (seen: AMD EPYC family 26 VMs) advertise the cache-topology leaf
/// 0x8000001D but return zeros from it: Xbyak then computes caches of one byte, and oneDNN's convolution blocking
/// divides by quantities derived from them (SIGFPE), while glibc falls back to the older leaves and gets them right.
/// </summary>
internal sealed partial record CpuCacheReport(
    string Vendor,
    uint CpuidSignature,
    IReadOnlyList<uint> XbyakDataCacheSizes,
    ulong LibcLevel1Data,
    ulong LibcLevel2,
    ulong LibcLevel3)
{
    /// <summary>No real data cache is this small; a size below it is a cache the CPU did not describe.</summary>
    public const uint SmallestRealCache = 1024;

    // glibc's sysconf names (bits/confname.h).
    private const int LibcLevel1DataCacheSize = 188, LibcLevel2CacheSize = 191, LibcLevel3CacheSize = 194;

    public bool IsAmd => Vendor == "AuthenticAMD";

    public bool IsIntel => Vendor == "GenuineIntel";

    /// <summary>The CPU names no data cache through the leaves its vendor documents for that.</summary>
    public bool LacksCacheTopology => (IsAmd || IsIntel) &&
        (XbyakDataCacheSizes.Count == 0 || XbyakDataCacheSizes.Any(size => size < SmallestRealCache));

    public static CpuCacheReport? Read()
    {
        if (!X86Base.IsSupported)
            return null;
        var vendorRegisters = X86Base.CpuId(0, 0);
        var vendor = string.Concat(new[] { vendorRegisters.Ebx, vendorRegisters.Edx, vendorRegisters.Ecx }
            .Select(r => new string(BitConverter.GetBytes(r).Select(b => (char)b).ToArray())));
        var signature = (uint)X86Base.CpuId(1, 0).Eax;
        var sizes = vendor switch
        {
            "AuthenticAMD" => AmdSizes(),
            "GenuineIntel" => IntelSizes(),
            _ => [],
        };
        return new CpuCacheReport(vendor, signature, sizes, Libc(LibcLevel1DataCacheSize), Libc(LibcLevel2CacheSize), Libc(LibcLevel3CacheSize));
    }

    /// <summary>Xbyak's AMD path: leaf 0x8000001D, sub-leaves 0 (L1 data), 2 (L2) and 3 (L3), whatever they return.</summary>
    private static IReadOnlyList<uint> AmdSizes() =>
        new[] { 0, 2, 3 }.Select(subLeaf => XbyakSize(X86Base.CpuId(unchecked((int)0x8000001D), subLeaf))).ToArray();

    /// <summary>Xbyak's Intel path: leaf 4's data and unified caches until the first null entry.</summary>
    private static IReadOnlyList<uint> IntelSizes()
    {
        var sizes = new List<uint>();
        for (var subLeaf = 0; sizes.Count < 10; subLeaf++)
        {
            var leaf = X86Base.CpuId(4, subLeaf);
            var type = Bits((uint)leaf.Eax, 0, 4);
            if (type == 0)
                break;
            if (type is 1 or 3)
                sizes.Add(XbyakSize(leaf));
        }
        return sizes;
    }

    /// <summary>Ways x partitions x line size x sets, with Xbyak's field widths (its bit ranges end exclusively).</summary>
    private static uint XbyakSize((int Eax, int Ebx, int Ecx, int Edx) leaf) => unchecked(
        (Bits((uint)leaf.Ebx, 22, 31) + 1) * (Bits((uint)leaf.Ebx, 12, 21) + 1) * (Bits((uint)leaf.Ebx, 0, 11) + 1) * ((uint)leaf.Ecx + 1));

    private static uint Bits(uint value, int from, int to) => (value >> from) & ((1u << (to - from)) - 1);

    private static ulong Libc(int name)
    {
        try
        {
            var value = sysconf(name);
            return value > 0 ? (ulong)value : 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long sysconf(int name);
}
