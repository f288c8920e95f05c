using System.Diagnostics;
using CxrVL.Precision;

namespace CxrVL.Tests.Precision;

/// <summary>
/// Native bfloat16 and float16 as /proc/cpuinfo lists them, what a mixed precision does without them, and
/// <c>cxrvl env</c>'s report on this machine with and without <c>CXRVL_SIMULATE_NO_BF16=1</c>.
/// </summary>
public sealed class LowPrecisionSupportTests
{
    // Abridged flags lines: a Zen 4 EPYC (AVX-512 BF16, no FP16), a Sapphire Rapids Xeon (both, and AMX), a Graviton 3 (Arm).
    private const string Zen4 = "flags\t\t: fpu vme avx2 avx512f avx512bw avx512_bf16 avx512vbmi avx512_vnni";
    private const string SapphireRapids = "flags\t\t: fpu avx2 avx512f avx512_bf16 avx512_fp16 amx_bf16 amx_tile amx_int8";
    private const string Graviton3 = "Features\t: fp asimd evtstrm aes crc32 fphp asimdhp sve bf16 i8mm";
    private const string Skylake = "flags\t\t: fpu avx2 avx512f avx512bw avx512vl";

    private static LowPrecisionSupport Cpu(string flags, bool hide = false) =>
        LowPrecisionSupport.FromCpuInfo(["processor\t: 0", "model name\t: test", flags, "processor\t: 1", Skylake], hide);

    [Fact]
    public void ReadsTheFirstProcessorsBfloat16AndFloat16Flags()
    {
        Assert.Equal(["avx512_bf16"], Cpu(Zen4).Bfloat16Features);
        Assert.Empty(Cpu(Zen4).Float16Features);
        Assert.Equal(["avx512_bf16", "amx_bf16"], Cpu(SapphireRapids).Bfloat16Features);
        Assert.Equal(["avx512_fp16"], Cpu(SapphireRapids).Float16Features);
        Assert.Equal(["bf16"], Cpu(Graviton3).Bfloat16Features);
        Assert.Equal(["asimdhp"], Cpu(Graviton3).Float16Features);
        Assert.False(Cpu(Skylake).NativeBfloat16);
        Assert.False(Cpu(Skylake).NativeFloat16);
        Assert.True(Cpu(Skylake).IsNative(TrainingPrecision.Fp32));
    }

    [Fact]
    public void TheSimulationHidesBfloat16Only()
    {
        var hidden = Cpu(SapphireRapids, hide: true);
        Assert.False(hidden.IsNative(TrainingPrecision.Bf16Mixed));
        Assert.True(hidden.IsNative(TrainingPrecision.Fp16Mixed));
        Assert.Contains("hidden by CXRVL_SIMULATE_NO_BF16=1", hidden.Describe(TrainingPrecision.Bf16Mixed));
    }

    [Fact]
    public void WithoutNativeArithmeticAMixedPrecisionRunsWithOneNoticeOrFallsBackToFp32AsConfigured()
    {
        var without = Cpu(Zen4, hide: true);
        var runs = PrecisionChoice.Resolve(TrainingPrecision.Bf16Mixed, PrecisionFallback.Run, without, onCpu: true);
        Assert.Equal(TrainingPrecision.Bf16Mixed, runs.Effective);
        Assert.Equal("train.precision bf16-mixed: this CPU has no native bfloat16 arithmetic (simulated by CXRVL_SIMULATE_NO_BF16=1); " +
                     "it runs, but expect it slower than fp32 (train.precision_fallback=fp32 trains in fp32 instead).", runs.Notice);
        var falls = PrecisionChoice.Resolve(TrainingPrecision.Bf16Mixed, PrecisionFallback.Fp32, without, onCpu: true);
        Assert.Equal(TrainingPrecision.Fp32, falls.Effective);
        Assert.Contains("training in fp32 instead", falls.Notice);

        // Native here, on a GPU, or float32: nothing to say.
        Assert.Equal(new PrecisionChoice(TrainingPrecision.Bf16Mixed, TrainingPrecision.Bf16Mixed, null),
                     PrecisionChoice.Resolve(TrainingPrecision.Bf16Mixed, PrecisionFallback.Fp32, Cpu(Zen4), onCpu: true));
        Assert.Null(PrecisionChoice.Resolve(TrainingPrecision.Fp16Mixed, PrecisionFallback.Fp32, without, onCpu: false).Notice);
        Assert.Null(PrecisionChoice.Resolve(TrainingPrecision.Fp32, PrecisionFallback.Fp32, without, onCpu: true).Notice);
        // Float16 lacks on the Zen 4 whatever the simulation.
        Assert.Equal(TrainingPrecision.Fp32, PrecisionChoice.Resolve(TrainingPrecision.Fp16Mixed, PrecisionFallback.Fp32, Cpu(Zen4), onCpu: true).Effective);
    }

    private static string Env(bool simulate)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CxrVL.Cli.dll"));
        start.ArgumentList.Add("env");
        start.ArgumentList.Add("--no-check");
        if (simulate)
            start.Environment[LowPrecisionSupport.SimulateVariable] = "1";
        else
            start.Environment.Remove(LowPrecisionSupport.SimulateVariable);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "cxrvl env did not finish");
        Assert.True(process.ExitCode == 0, output + error.Result);
        return output;
    }

    [Fact]
    public void EnvReportsThisCpusBfloat16AsProcCpuinfoListsItAndTheSimulatedAbsence()
    {
        if (!File.Exists("/proc/cpuinfo"))
            return;
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var real = Env(simulate: false).Split('\n').Single(l => l.StartsWith("bfloat16 ", StringComparison.Ordinal));
        if (flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"))
            Assert.StartsWith("bfloat16       native on the CPU (avx512_bf16", real);
        else
            Assert.StartsWith("bfloat16       not native on the CPU", real);

        var simulated = Env(simulate: true).Split('\n');
        Assert.StartsWith("bfloat16       not native on the CPU (hidden by CXRVL_SIMULATE_NO_BF16=1): bf16-mixed runs, but expect it slower than fp32",
                          simulated.Single(l => l.StartsWith("bfloat16 ", StringComparison.Ordinal)));
        // One line for every training recipe shipped.
        var configs = CxrVL.Configuration.RecipeLocator.ConfigsDirectory();
        var recipes = new[] { "pretrain", "finetune", "rrg" }.Sum(f => Directory.GetFiles(Path.Combine(configs, f), "*.yaml", SearchOption.AllDirectories).Length);
        Assert.Equal(recipes, simulated.Count(l => l.StartsWith("  pretrain/", StringComparison.Ordinal) || l.StartsWith("  finetune/", StringComparison.Ordinal) ||
                                                   l.StartsWith("  rrg/", StringComparison.Ordinal)));
        Assert.Contains(simulated, l => l.StartsWith("  pretrain/clip ", StringComparison.Ordinal));
    }
}
