using System.Runtime.InteropServices;

namespace CxrVL.Runtime;

/// <summary>Symbols of native libraries the process has already loaded (libtorch, loaded by TorchSharp), by name.</summary>
internal static partial class LoadedLibraries
{
    private const int LoadNow = 2, NoLoad = 4;

    /// <summary>The address of an exported symbol, or 0 when the library is not loaded or lacks it.</summary>
    public static nint Symbol(string library, string name)
    {
        var handle = dlopen(library, LoadNow | NoLoad);
        return handle == 0 ? 0 : dlsym(handle, name);
    }

    /// <summary>The file and load base of the library that holds an address.</summary>
    public static (string File, nint Base)? Containing(nint address)
    {
        if (address == 0 || dladdr(address, out var info) == 0 || info.FileName == 0)
            return null;
        return (Marshal.PtrToStringUTF8(info.FileName)!, info.Base);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint Base;
        public nint SymbolName;
        public nint SymbolAddress;
    }

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlopen(string file, int mode);

    [LibraryImport("libc", EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlsym(nint handle, string name);

    [LibraryImport("libc", EntryPoint = "dladdr")]
    private static partial int dladdr(nint address, out DlInfo info);
}
