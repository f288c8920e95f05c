using System.CommandLine;
using System.Globalization;
using CxrVL.Cli.Infrastructure;
using CxrVL.Configuration;
using CxrVL.Files;
using CxrVL.Precision;
using CxrVL.Runtime;
using CxrVL.Training;
using TorchSharp;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl env</c>: versions, threads, devices, CPU features, data roots, and a real forward/backward pass.</summary>
internal sealed class EnvCommand : ICliCommand
{
    private static readonly Option<bool> SkipCheck = new("--no-check")
    {
        Description = "Skip the forward/backward self-check.",
    };

    public Command Create()
    {
        var command = new Command("env", "Show what CxrVL runs on (TorchSharp, libtorch, threads, devices, CPU features, data roots) and run a forward/backward self-check.");
        command.Options.Add(SkipCheck);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var runtime = context.Runtime;
        var report = EnvironmentReport.Collect();
        var o = context.Output;
        o.WriteLine($"cxrvl          {report.CxrVLVersion}");
        o.WriteLine($"TorchSharp     {report.TorchSharpVersion}");
        o.WriteLine($"libtorch       {report.LibTorchVersion}");
        o.WriteLine($"runtime        {report.DotNetVersion}");
        o.WriteLine($"OS             {report.OperatingSystem}");
        o.WriteLine($"CPU            {report.CpuModel} ({report.LogicalCores} logical cores)");
        o.WriteLine($"CPU features   {(report.CpuFeatures.Count == 0 ? "none detected" : string.Join(' ', report.CpuFeatures))}");
        o.WriteLine($"bfloat16       {report.LowPrecision.Describe(TrainingPrecision.Bf16Mixed)}");
        o.WriteLine($"float16        {report.LowPrecision.Describe(TrainingPrecision.Fp16Mixed)}");
        o.WriteLine($"memory         {report.TotalMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB");
        o.WriteLine($"torch threads  {report.TorchThreads} intra-op, {report.TorchInteropThreads} inter-op");
        o.WriteLine($"matrix kernels {report.MatrixKernels}");
        o.WriteLine($"conv caches    {report.ConvolutionCaches}");
        o.WriteLine($"NNPACK         {report.Nnpack}");
        // TorchSharp reports no compute capability; libtorch runs both 16-bit types on every CUDA device it supports.
        o.WriteLine($"CUDA           {(report.CudaAvailable ? $"available, {report.CudaDevices} device(s); bf16-mixed and fp16-mixed run on them (bfloat16 at full speed from compute capability 8.0)" : "not available")}");
        o.WriteLine($"device         {runtime.Device} (seed {runtime.Seed})");
        WriteRecipePrecisions(o, report.LowPrecision, onCpu: runtime.Device.type == DeviceType.CPU);
        o.WriteLine($"data root      {report.DataRoot ?? $"not found (set {DataRoots.EnvironmentVariable})"}");
        foreach (var (name, present) in report.Datasets)
            o.WriteLine($"  {name,-18} {(present ? "present" : "missing")}");

        if (context.Get(SkipCheck))
            return 0;
        var result = TorchSelfCheck.Run(new SelfCheckConfig(), runtime.Device, runtime.Seed);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"self-check     forward/backward: loss {result.InitialLoss:0.0000} -> {result.FinalLoss:0.0000} in {result.Steps} Adam steps; " +
            $"autograd vs finite differences: max relative error {result.GradientRelativeError:0.0e+0}; " +
            $"matmul {result.MatmulGflops:0.0} GFLOP/s; {result.Elapsed.TotalSeconds:0.00} s"));
        var convolutions = ConvolutionCheck.Run(runtime.Seed);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"self-check     convolutions: {convolutions.Convolutions} ResNet-50 shapes forward and backward (NCHW and channels-last) " +
            $"against float64: max relative error {convolutions.MaxRelativeError:0.0e+0}; {convolutions.Elapsed.TotalSeconds:0.00} s"));
        var passed = result.Passed && convolutions.Passed;
        o.WriteLine($"self-check     {(passed ? "passed" : "FAILED")}");
        return passed ? 0 : 1;
    }

    /// <summary>The precision each shipped training recipe asks for, and what it does on this machine.</summary>
    private static void WriteRecipePrecisions(TextWriter o, LowPrecisionSupport cpu, bool onCpu)
    {
        o.WriteLine("precision      each training recipe's train.precision, and what it does here:");
        foreach (var (recipe, choice) in RecipePrecisions.Of(RecipeLocator.ConfigsDirectory(), cpu, onCpu))
        {
            var requested = PrecisionChoice.Name(choice.Requested);
            var here = choice.Notice is null ? ""
                : choice.Effective != choice.Requested ? $" -> {PrecisionChoice.Name(choice.Effective)} (not native here; train.precision_fallback: fp32)"
                : " (not native here: runs, slower than fp32)";
            o.WriteLine($"  {recipe,-26} {requested}{here}");
        }
    }
}
