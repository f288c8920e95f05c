using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace CxrVL.Precision;

/// <summary>
/// Whether this CPU computes bfloat16 and float16 products natively (oneDNN then runs <c>bf16-mixed</c> faster than
/// float32; without them libtorch converts every value and runs slower than float32). On Linux the kernel's view in
/// <c>/proc/cpuinfo</c> decides (it lists AMX only when it enabled the tile state); elsewhere x86 CPUs are asked through
/// CPUID. <c>CXRVL_SIMULATE_NO_BF16=1</c> hides the bfloat16 features from CxrVL (not from oneDNN), so the
/// messages and the fallback of a CPU without them can be tested on one that has them.
/// </summary>
/// <param name="Bfloat16Features">The CPU's bfloat16 features as /proc/cpuinfo names them (<c>avx512_bf16</c>, <c>amx_bf16</c>; Arm: <c>bf16</c>).</param>
/// <param name="Float16Features">Its float16 arithmetic features (<c>avx512_fp16</c>, <c>amx_fp16</c>; Arm: <c>asimdhp</c>).</param>
/// <param name="Source">Where the features were read: <c>/proc/cpuinfo</c>, <c>CPUID</c> or <c>none</c>.</param>
/// <param name="SimulatedWithoutBfloat16">The bfloat16 features were hidden by <see cref="SimulateVariable"/>.</param>
public sealed record LowPrecisionSupport(
    IReadOnlyList<string> Bfloat16Features,
    IReadOnlyList<string> Float16Features,
    string Source,
    bool SimulatedWithoutBfloat16)
{
    public const string SimulateVariable = "CXRVL_SIMULATE_NO_BF16";

    private const string CpuInfo = "/proc/cpuinfo";

    private static readonly string[] Bfloat16Names = ["avx512_bf16", "amx_bf16", "bf16"];
    private static readonly string[] Float16Names = ["avx512_fp16", "amx_fp16", "asimdhp"];

    public bool NativeBfloat16 => Bfloat16Features.Count > 0;

    public bool NativeFloat16 => Float16Features.Count > 0;

    /// <summary>Whether <paramref name="precision"/>'s products run natively here (float32 always does).</summary>
    public bool IsNative(TrainingPrecision precision) => precision switch
    {
        TrainingPrecision.Bf16Mixed => NativeBfloat16,
        TrainingPrecision.Fp16Mixed => NativeFloat16,
        _ => true,
    };

    /// <summary>This machine's CPU, with <see cref="SimulateVariable"/> applied.</summary>
    public static LowPrecisionSupport Detect()
    {
        var hide = Environment.GetEnvironmentVariable(SimulateVariable) == "1";
        if (File.Exists(CpuInfo))
            return FromCpuInfo(File.ReadLines(CpuInfo), hide);
        var flags = X86Base.IsSupported ? CpuidFlags() : [];
        return FromFlags(flags, X86Base.IsSupported ? "CPUID" : "none", hide);
    }

    /// <summary>The features the first processor's <c>flags</c> (x86) or <c>Features</c> (Arm) line of /proc/cpuinfo lists.</summary>
    public static LowPrecisionSupport FromCpuInfo(IEnumerable<string> lines, bool hideBfloat16)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal));
        var flags = line?.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return FromFlags(flags, CpuInfo, hideBfloat16);
    }

    private static LowPrecisionSupport FromFlags(IReadOnlyCollection<string> flags, string source, bool hideBfloat16) =>
        new(hideBfloat16 ? [] : Bfloat16Names.Where(flags.Contains).ToList(), Float16Names.Where(flags.Contains).ToList(), source, hideBfloat16);

    /// <summary>The same features from CPUID leaf 7 (Intel SDM, table 1-2; AMD APM vol. 3, E.3.6), under /proc/cpuinfo's names.</summary>
    private static string[] CpuidFlags()
    {
        if (X86Base.CpuId(0, 0).Eax < 7)
            return [];
        var leaf0 = X86Base.CpuId(7, 0);
        var leaf1 = X86Base.CpuId(7, 1);
        var flags = new List<string>();
        if ((leaf1.Eax & (1 << 5)) != 0) flags.Add("avx512_bf16");
        if ((leaf0.Edx & (1 << 22)) != 0) flags.Add("amx_bf16");
        if ((leaf0.Edx & (1 << 23)) != 0) flags.Add("avx512_fp16");
        if ((leaf1.Eax & (1 << 21)) != 0) flags.Add("amx_fp16");
        return [.. flags];
    }

    /// <summary>One line for <c>cxrvl env</c> on a low-precision type: native or not, from what, and what it means for speed.</summary>
    public string Describe(TrainingPrecision precision)
    {
        var (features, names, mode) = precision == TrainingPrecision.Bf16Mixed
            ? (Bfloat16Features, "avx512_bf16, amx_bf16", "bf16-mixed")
            : (Float16Features, "avx512_fp16, amx_fp16", "fp16-mixed");
        if (features.Count > 0)
            return $"native on the CPU ({string.Join(", ", features)} in {Source}): {mode} computes its products in hardware";
        var why = precision == TrainingPrecision.Bf16Mixed && SimulatedWithoutBfloat16
            ? $"hidden by {SimulateVariable}=1"
            : Source == "none" ? $"{RuntimeInformation.ProcessArchitecture} CPU features not readable here" : $"none of {names} in {Source}";
        return $"not native on the CPU ({why}): {mode} runs, but expect it slower than fp32";
    }
}
