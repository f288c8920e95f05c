namespace CxrVL.Runtime;

/// <summary>
/// libtorch's process-wide backend switches that TorchSharp does not expose (PyTorch's
/// <c>torch.backends.mkldnn.enabled</c> and <c>torch.backends.nnpack.enabled</c>), called through libtorch_cpu's
/// exported C++ symbols on <c>at::globalContext()</c>.
/// </summary>
internal static unsafe class LibTorchBackends
{
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
        var logLevel = (int*)LoadedLibraries.Symbol("libc10.so", "FLAGS_caffe2_log_level");
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
        var function = LoadedLibraries.Symbol("libtorch_cpu.so", name);
        return function != 0 ? function : throw new EntryPointNotFoundException($"libtorch_cpu is not loaded or has no {name}");
    }
}
