using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using CxrVL.Runtime;

namespace CxrVL.Tests.Runtime;

/// <summary>
/// CPUs that report no cache topology (AMD EPYC VMs whose CPUID leaf 0x8000001D returns zeros) made oneDNN's
/// convolution kernels divide by zero. The condition is simulated on machines that do report their caches, so every
/// case runs everywhere: in child processes (<c>cxrvl env</c>, whose self-check runs ResNet-50's convolution shapes
/// forward and backward against float64), because the unrepaired case kills its process.
/// </summary>
public sealed class ConvolutionBackendsTests
{
    private const int KilledBySigfpe = 128 + 8;

    private static (int Code, string Output, string Error) Env(string mode)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CxrVL.Cli.dll"));
        start.ArgumentList.Add("env");
        start.Environment[ConvolutionBackends.SimulateVariable] = "1";
        start.Environment[ConvolutionBackends.ModeVariable] = mode;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "cxrvl env did not finish");
        return (process.ExitCode, output, error.Result);
    }

    [Fact]
    public void WithoutTheRepairTheSimulatedConditionCrashesOneDnnsConvolutions()
    {
        var (code, output, _) = Env("keep");
        Assert.Contains("oneDNN left as it is", output);
        // oneDNN's brgemm convolutions, whose blocking divides by the cache sizes, run on AVX-512 CPUs (this
        // project's machines); elsewhere oneDNN takes other kernels and the state may go unnoticed.
        if (Avx512F.IsSupported && Avx512BW.IsSupported)
            Assert.Equal(KilledBySigfpe, code);
    }

    [Fact]
    public void TheRepairKeepsOneDnnAndItsConvolutionsMatchFloat64()
    {
        var (code, output, error) = Env("repair");
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("oneDNN given the C library's sizes", output);
        Assert.Contains("self-check     passed", output);
        Assert.DoesNotContain("NNPACK!", error);
    }

    [Fact]
    public void TheFallbackRoutesConvolutionsToLibtorchsOwnKernelsAndTheyMatchFloat64()
    {
        var (code, output, error) = Env("fallback");
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("convolutions use libtorch's own kernels", output);
        Assert.Contains("self-check     passed", output);
    }

    [Fact]
    public void OneDnnSeesRealCacheSizesInThisProcessAndTheCLibrarysWhereItRepairedThem()
    {
        ConvolutionBackends.PrepareForThisCpu();
        var cpu = CpuCacheReport.Read();
        Assert.True(cpu is not null, "the suite runs on x86-64");
        var record = OneDnnCpuRecord.Locate(out var reason);
        Assert.True(record is not null, reason);
        for (var level = 1; level <= 3; level++)
            Assert.True(record.PerCoreCacheSize(level) >= CpuCacheReport.SmallestRealCache,
                $"oneDNN sees {record.PerCoreCacheSize(level)} bytes of L{level} per core ({ConvolutionBackends.CacheStatus})");
        if (cpu.LacksCacheTopology)
        {
            Assert.Equal(Getconf("LEVEL1_DCACHE_SIZE"), record.PerCoreCacheSize(1));
            Assert.Equal(Getconf("LEVEL2_CACHE_SIZE"), record.PerCoreCacheSize(2));
        }
        else
        {
            Assert.True(record.Describes(cpu), "oneDNN's record does not hold the caches CPUID reports");
        }
    }

    [Fact]
    public void TheRecordIsReadAtTheOffsetsThatHoldThisCpusFamilyAndModelAsTheKernelReportsThem()
    {
        var cpu = CpuCacheReport.Read();
        Assert.True(cpu is not null, "the suite runs on x86-64");
        var record = OneDnnCpuRecord.Locate(out var reason);
        Assert.True(record is not null, reason);
        Assert.Equal(int.Parse(CpuInfoField("cpu family")), record.DisplayFamily);
        Assert.Equal(int.Parse(CpuInfoField("model")), record.DisplayModel);
        Assert.True(record.HoldsSignatureOf(cpu));
        Assert.False(record.HoldsSignatureOf(cpu with { CpuidSignature = cpu.CpuidSignature ^ 0x100 }), "a record of another CPU family was taken for this one");
    }

    private static uint Getconf(string name)
    {
        var start = new ProcessStartInfo("getconf", name) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return uint.Parse(text);
    }

    private static string CpuInfoField(string name) => File.ReadLines("/proc/cpuinfo")
        .First(l => l.Split(':')[0].Trim() == name).Split(':', 2)[1].Trim();
}
