using System.Runtime.InteropServices;

namespace CxrVL.Runtime;

/// <summary>
/// libtorch's process-wide backend switches that TorchSharp does not expose (PyTorch's
/// <c>torch.backends.mkldnn.enabled</c> and <c>torch.backends.nnpack.enabled</c>), called through libtorch_cpu's
/// exported C++ symbols on <c>at::globalContext()</c>.
/// </summary>
internal static unsafe partial class LibTorchBackends
{
    private const int LoadNow = 2, NoLoad = 4;
    private const int LogLevelError = 2;

    /// <summary>Whether libtorch may run convolutions through oneDNN (it chooses per call among its kernels).</summary>
    public static bool OneDnnEnabled
    {
        get => ((delegate* unmanaged<nint, byte>)Function("_ZNK2at7Context17userEnabledMkldnnEv"))(Context()) != 0;
        set => ((delegate* unmanaged<nint, byte, void>)Function("_ZN2at7Context20setUserEnabledMkldnnEb"))(Context(), value ? (byte)1 : (byte)0);
    }

    /// <summary>Whether libtorch may ask NNPACK to run a convolution.</summary>
    public static bool NnpackEnabled
    {
        get => ((delegate* unmanaged<nint, byte>)Function("_ZNK2at7Context17userEnabledNNPACKEv"))(Context()) != 0;
        set => ((delegate* unmanaged<nint, byte, void>)Function("_ZN2at7Context20setUserEnabledNNPACKEb"))(Context(), value ? (byte)1 : (byte)0);
    }

    /// <summary>
    /// Whether NNPACK initialised on this CPU. libtorch logs a warning each time it asks and NNPACK is unavailable;
    /// the question is asked here with warnings held back, once.
    /// </summary>
    public static bool NnpackAvailable()
    {
        var logLevel = (int*)dlsym(Library("libc10.so"), "FLAGS_caffe2_log_level");
        var saved = logLevel is null ? 0 : *logLevel;
        if (logLevel is not null)
            *logLevel = LogLevelError;
        try
        {
            return ((delegate* unmanaged<byte>)Function("_ZN2at6native17_nnpack_availableEv"))() != 0;
        }
        finally
        {
            if (logLevel is not null)
                *logLevel = saved;
        }
    }

    private static nint Context() => ((delegate* unmanaged<nint>)Function("_ZN2at13globalContextEv"))();

    private static nint Function(string name)
    {
        var function = dlsym(Library("libtorch_cpu.so"), name);
        return function != 0 ? function : throw new EntryPointNotFoundException($"libtorch_cpu has no {name}");
    }

    private static nint Library(string name)
    {
        var library = dlopen(name, LoadNow | NoLoad);
        return library != 0 ? library : throw new DllNotFoundException($"{name} is not loaded");
    }

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlopen(string file, int mode);

    [LibraryImport("libc", EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlsym(nint handle, string name);
}
