using System.Diagnostics;
using System.Globalization;
using CxrVL.Runtime;
using CxrVL.Weights;

namespace CxrVL.Bench;

/// <summary>
/// Checkpoint reading and writing on the ViT-B/16-sized files <c>bench/reference/checkpoint_load.py make DIR</c>
/// writes: <c>CheckpointReader.Read</c> of the torch.save zip and legacy files and of a safetensors copy,
/// <c>CheckpointReader.Inspect</c> (header only) and <c>SafeTensors.Write</c> (atomic, so it includes an fsync).
/// Prints <c>variant seconds</c> lines, each the median of <c>--iterations N</c> runs (default 3) after one warm-up.
/// </summary>
internal sealed class CheckpointBenchmark : IBenchmark
{
    public string Name => "weights";

    public string Description => "checkpoint read (torch.save zip/legacy, safetensors) and safetensors write of a ViT-B/16 state dict, seconds";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var iterations = 3;
        string? directory = null;
        for (var i = 0; i < arguments.Count; i++)
        {
            switch (arguments[i])
            {
                case "--iterations":
                    iterations = int.Parse(arguments[++i], CultureInfo.InvariantCulture);
                    break;
                case "--dir":
                    directory = arguments[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {arguments[i]}");
                    return 2;
            }
        }
        if (directory is null)
        {
            Console.Error.WriteLine("--dir DIR is required (files from bench/reference/checkpoint_load.py make DIR)");
            return 2;
        }
        // The allocator policy every cxrvl run uses (freed memory stays in the heap), as in the other benchmarks.
        TorchRuntime.Configure(new RuntimeOptions());
        var zip = Path.Combine(directory, "vit_b16.pt");
        var legacy = Path.Combine(directory, "vit_b16_legacy.pt");
        var safetensors = Path.Combine(directory, "vit_b16.safetensors");
        using (var weights = CheckpointReader.Read(zip))
        {
            output.WriteLine($"# cxrvl torchsharp libtorch {TorchSharp.torch.__version__}; {weights.Count} tensors, {weights.NumberOfElements:N0} values");
            SafeTensors.Write(safetensors, weights);
            Report(output, "save_safetensors", iterations, () => SafeTensors.Write(safetensors, weights));
        }
        Report(output, "load_zip", iterations, () => CheckpointReader.Read(zip).Dispose());
        Report(output, "load_legacy", iterations, () => CheckpointReader.Read(legacy).Dispose());
        Report(output, "load_safetensors", iterations, () => CheckpointReader.Read(safetensors).Dispose());
        Report(output, "inspect_zip", iterations, () => CheckpointReader.Inspect(zip));
        return 0;
    }

    private static void Report(TextWriter output, string variant, int iterations, Action action)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant} {times[times.Count / 2]:0.0000}"));
    }
}
