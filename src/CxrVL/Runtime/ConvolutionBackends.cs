using System.Globalization;
using TorchSharp;

namespace CxrVL.Runtime;

/// <summary>
/// Makes libtorch's convolution kernels safe on CPUs that describe no cache topology, and keeps the fast path.
/// On such CPUs (AMD EPYC VMs whose CPUID leaf 0x8000001D returns zeros) oneDNN believes every cache holds one byte,
/// and its brgemm convolution blocking (ResNet's strided 1x1 convolutions, forward and backward) divides by zero:
/// the process dies with SIGFPE. The repair gives oneDNN the cache sizes the C library reports for the same CPU (it
/// reads AMD's older cache leaves, which these VMs fill); where oneDNN's CPU record cannot be found or does not match
/// this CPU, convolutions leave oneDNN for libtorch's own kernels instead (correct, slower). NNPACK, which needs the
/// same topology, is switched off when it cannot initialise, so libtorch stops asking, and warning, per convolution.
/// <para>
/// <c>CXRVL_NO_CACHE_TOPOLOGY</c>: <c>repair</c> (default), <c>fallback</c> (route convolutions away from oneDNN) or
/// <c>keep</c> (leave oneDNN as it is, to reproduce the crash). <c>CXRVL_SIMULATE_NO_CACHE_TOPOLOGY=1</c> puts
/// oneDNN's record into the state those VMs leave it in, so tests cover the condition on any x86-64 machine.
/// </para>
/// </summary>
public static class ConvolutionBackends
{
    public const string ModeVariable = "CXRVL_NO_CACHE_TOPOLOGY";
    public const string SimulateVariable = "CXRVL_SIMULATE_NO_CACHE_TOPOLOGY";

    /// <summary>
    /// Every AMD core complex since Zen 2 shares 16 or 32 MiB of L3 among 4 or 8 cores: 4 MiB per core is what oneDNN
    /// computes on such a CPU when it reports its topology. A VM that hides the topology shows only the total.
    /// </summary>
    private const uint LevelThreePerCore = 4u << 20;

    /// <summary>oneDNN's own guesses when a CPU names no caches at all (src/cpu/platform.cpp).</summary>
    private static readonly uint[] OneDnnGuesses = [32u << 10, 512u << 10, 1u << 20];

    private static readonly Lock Gate = new();
    private static bool _cachesChecked, _nnpackChecked;

    /// <summary>How oneDNN learned this CPU's caches, for <c>cxrvl env</c>.</summary>
    public static string CacheStatus { get; private set; } = "not checked";

    /// <summary>Whether libtorch may use NNPACK here, for <c>cxrvl env</c>.</summary>
    public static string NnpackStatus { get; private set; } = "not checked";

    /// <summary>
    /// Repairs or routes around a missing cache topology; cheap (a few CPUID instructions) on a CPU that reports it.
    /// Runs once per process, before the first convolution.
    /// </summary>
    public static void PrepareForThisCpu()
    {
        var torchLoaded = false;
        lock (Gate)
        {
            if (_cachesChecked)
                return;
            _cachesChecked = true;
            try
            {
                torchLoaded = CheckCaches();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or InvalidOperationException)
            {
                CacheStatus = $"not checked: {e.Message}";
            }
        }
        // NNPACK fails on the same CPUs; with libtorch loaded anyway, asking costs nothing.
        if (torchLoaded)
            SwitchOffUnavailableNnpack();
    }

    /// <summary>Switches NNPACK off when it cannot initialise on this CPU (asks libtorch once, quietly).</summary>
    public static void SwitchOffUnavailableNnpack()
    {
        lock (Gate)
        {
            if (_nnpackChecked)
                return;
            _nnpackChecked = true;
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                if (LibTorchBackends.NnpackAvailable())
                {
                    NnpackStatus = "available";
                    return;
                }
                LibTorchBackends.NnpackEnabled = false;
                NnpackStatus = "unavailable on this CPU (libtorch's cpuinfo found no usable caches or instruction set); switched off, " +
                               "so convolutions go to oneDNN or libtorch's own kernels without a warning per call";
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or InvalidOperationException)
            {
                NnpackStatus = $"not checked: {e.Message}";
            }
        }
    }

    /// <returns>Whether libtorch had to be loaded for it.</returns>
    private static bool CheckCaches()
    {
        var cpu = CpuCacheReport.Read();
        if (cpu is null)
        {
            CacheStatus = "not an x86-64 CPU: oneDNN's x86 cache heuristics do not apply";
            return false;
        }
        var simulate = Environment.GetEnvironmentVariable(SimulateVariable) == "1";
        if (!cpu.LacksCacheTopology && !simulate)
        {
            CacheStatus = $"the CPU reports its caches ({Sizes(cpu.XbyakDataCacheSizes)}); oneDNN reads them as they are";
            return false;
        }

        torch.InitializeDeviceType(DeviceType.CPU);
        var record = OneDnnCpuRecord.Locate(out var notFound);
        var recordMatches = record is not null && record.Describes(cpu);
        var why = simulate && !cpu.LacksCacheTopology
            ? $"no cache topology (simulated by {SimulateVariable}=1)"
            : "this CPU reports no cache topology through CPUID";
        if (simulate && recordMatches)
            record!.Write([(1, 1), (1, 1), (1, 1)]);

        var mode = Environment.GetEnvironmentVariable(ModeVariable)?.Trim().ToLowerInvariant() ?? "repair";
        if (mode == "keep")
        {
            CacheStatus = $"{why}; oneDNN left as it is ({ModeVariable}=keep): its convolutions can crash with SIGFPE";
            return true;
        }
        if (mode is not ("repair" or "fallback"))
        {
            // This runs before any command parses its options, so a bad value is reported and the safe default taken.
            Console.Error.WriteLine($"cxrvl: {ModeVariable}='{mode}' is not one of repair, fallback, keep; using repair.");
            mode = "repair";
        }
        if (mode == "repair" && recordMatches)
        {
            record!.Write(RepairedCaches(cpu));
            CacheStatus = string.Create(CultureInfo.InvariantCulture,
                $"{why}; oneDNN given the C library's sizes: L1d {Size(record.PerCoreCacheSize(1))}, L2 {Size(record.PerCoreCacheSize(2))}, " +
                $"L3 {Size(record.PerCoreCacheSize(3))} per core (fast kernels kept)");
            return true;
        }
        LibTorchBackends.OneDnnEnabled = false;
        var reason = mode == "fallback" ? $"{ModeVariable}=fallback"
            : notFound ?? "oneDNN's CPU record in libtorch_cpu does not match this CPU (another libtorch build)";
        CacheStatus = $"{why}; convolutions use libtorch's own kernels instead of oneDNN ({reason}): correct, slower";
        return true;
    }

    /// <summary>L1 data and L2 are private to a core on every x86 CPU the condition was seen on; L3 is shared.</summary>
    private static (uint Size, uint CoresSharing)[] RepairedCaches(CpuCacheReport cpu)
    {
        uint Or(ulong libc, uint guess) => libc >= CpuCacheReport.SmallestRealCache && libc <= uint.MaxValue ? (uint)libc : guess;
        var levelThree = Or(cpu.LibcLevel3, OneDnnGuesses[2]);
        var sharing = (uint)Math.Max(1, levelThree / LevelThreePerCore);
        return [(Or(cpu.LibcLevel1Data, OneDnnGuesses[0]), 1), (Or(cpu.LibcLevel2, OneDnnGuesses[1]), 1), (levelThree, sharing)];
    }

    private static string Sizes(IReadOnlyList<uint> sizes) =>
        sizes.Count == 0 ? "none" : string.Join(", ", sizes.Select((s, i) => $"L{(i == 0 ? "1d" : (i + 1).ToString(CultureInfo.InvariantCulture))} {Size(s)}"));

    private static string Size(uint bytes) => bytes >= 1u << 20 && bytes % (1u << 20) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MiB")
        : bytes >= 1u << 10 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
}
