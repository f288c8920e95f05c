using CxrVL.Files;
using CxrVL.Precision;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace CxrVL.Runtime;

/// <summary>What CxrVL runs on: versions, threads, devices, CPU features (with native bfloat16 and float16), and data roots.</summary>
public sealed record EnvironmentReport(
    string CxrVLVersion,
    string TorchSharpVersion,
    string LibTorchVersion,
    string DotNetVersion,
    string OperatingSystem,
    string CpuModel,
    int LogicalCores,
    int TorchThreads,
    int TorchInteropThreads,
    bool CudaAvailable,
    int CudaDevices,
    IReadOnlyList<string> CpuFeatures,
    LowPrecisionSupport LowPrecision,
    long TotalMemoryBytes,
    string? DataRoot,
    IReadOnlyDictionary<string, bool> Datasets,
    string MatrixKernels,
    string ConvolutionCaches,
    string Nnpack)
{
    public static EnvironmentReport Collect()
    {
        var dataRoot = DataRoots.Resolve();
        var datasets = DataRoots.KnownDatasets.ToDictionary(
            name => name,
            name => dataRoot is not null && Directory.Exists(Path.Combine(dataRoot, name)));
        var cuda = torch.cuda.is_available();
        return new EnvironmentReport(
            typeof(EnvironmentReport).Assembly.GetName().Version?.ToString(3) ?? "unknown",
            typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown",
            LibTorchVersionText(),
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            ReadCpuModel(),
            Environment.ProcessorCount,
            torch.get_num_threads(),
            torch.get_num_interop_threads(),
            cuda,
            cuda ? torch.cuda.device_count() : 0,
            DetectCpuFeatures(),
            LowPrecisionSupport.Detect(),
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            dataRoot,
            datasets,
            MklCpuDispatch.Status,
            ConvolutionBackends.CacheStatus,
            ConvolutionBackends.NnpackStatus);
    }

    /// <summary>TorchSharp reports the libtorch package version with four parts (2.10.0.0); users know it as 2.10.0.</summary>
    private static string LibTorchVersionText() =>
        Version.TryParse(torch.__version__, out var version) ? version.ToString(3) : torch.__version__;

    private static IReadOnlyList<string> DetectCpuFeatures()
    {
        var features = new List<string>();
        if (Sse42.IsSupported) features.Add("SSE4.2");
        if (Avx.IsSupported) features.Add("AVX");
        if (Avx2.IsSupported) features.Add("AVX2");
        if (Fma.IsSupported) features.Add("FMA");
        if (Avx512F.IsSupported) features.Add("AVX-512F");
        if (Avx512BW.IsSupported) features.Add("AVX-512BW");
        if (Avx512Vbmi.IsSupported) features.Add("AVX-512VBMI");
        if (AvxVnni.IsSupported) features.Add("AVX-VNNI");
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) features.Add("NEON");
        return features;
    }

    private static string ReadCpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
            return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
