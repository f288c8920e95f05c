using CxrVL.Runtime.Distributed;
using TorchSharp;

namespace CxrVL.Runtime;

/// <summary>Starts TorchSharp for a run: allocator policy, MKL and convolution kernel choice, thread count, seeds and device.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Applies the options and returns the context a run works with. The .NET <see cref="Random"/> and torch's
    /// generators are seeded from the same <see cref="RuntimeOptions.Seed"/>.
    /// </summary>
    public static RuntimeContext Configure(RuntimeOptions options)
    {
        NativeAllocator.KeepFreedMemory();
        var device = ParseDevice(options.Device);
        MklCpuDispatch.UseInstructionSetsOnAnyVendor();
        ConvolutionBackends.PrepareForThisCpu();
        ConvolutionBackends.SwitchOffUnavailableNnpack();
        if (options.Threads is { } threads)
        {
            if (threads < 1)
                throw new CxrVLException($"--threads must be at least 1 (got {threads}).");
            torch.set_num_threads(threads);
        }
        torch.manual_seed(options.Seed);
        if (device.type == DeviceType.CUDA)
            torch.cuda.manual_seed_all(options.Seed);
        return new RuntimeContext(device, options.Seed, torch.get_num_threads(), new Random(options.Seed));
    }

    /// <summary>
    /// The runtime of one rank of a data-parallel job: a bare <c>cuda</c> becomes the GPU of the rank's local index, and
    /// unless <c>--threads</c> is given the machine's cores are shared among its ranks.
    /// </summary>
    public static RuntimeContext Configure(RuntimeOptions options, IDistributedContext ranks) =>
        Configure(options with
        {
            Device = DistributedLaunch.DeviceFor(options.Device, ranks),
            Threads = DistributedLaunch.ThreadsFor(options.Threads, ranks),
        }) with { Distributed = ranks };

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>, failing clearly when CUDA is not usable here.</summary>
    public static torch.Device ParseDevice(string text)
    {
        var name = text.Trim().ToLowerInvariant();
        if (name == "cpu")
            return torch.CPU;
        if (name == "cuda" || name.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (name.Length > 4 && !int.TryParse(name[5..], out index))
                throw new CxrVLException($"device '{text}' is not valid: use cpu, cuda or cuda:N.");
            if (!torch.cuda.is_available())
                throw new CxrVLException(
                    $"device '{text}' requested but CUDA is not available: this build uses the TorchSharp-cpu package or no GPU is visible. " +
                    "Install a CUDA build of TorchSharp (TorchSharp-cuda-linux) on a machine with an NVIDIA GPU, or use --device cpu.");
            var count = torch.cuda.device_count();
            if (index >= count)
                throw new CxrVLException($"device '{text}' requested but only {count} CUDA device(s) are visible.");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new CxrVLException($"device '{text}' is not valid: use cpu, cuda or cuda:N.");
    }
}
