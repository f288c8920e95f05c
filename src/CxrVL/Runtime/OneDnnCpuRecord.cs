namespace CxrVL.Runtime;

/// <summary>
/// The CPU description oneDNN keeps inside libtorch_cpu (one static <c>Xbyak::util::Cpu</c>, returned by the local
/// function <c>dnnl::impl::cpu::x64::cpu()</c>), whose data-cache sizes every blocking heuristic reads through
/// <c>platform::get_per_core_cache_size</c>. The field offsets are those of the Xbyak that oneDNN 3.7 bundles
/// (libtorch 2.10); before anything is written, the record's family, model and cache fields must equal what this
/// process reads from CPUID itself, so a different layout is recognised and left alone.
/// </summary>
internal sealed unsafe class OneDnnCpuRecord
{
    private const string CpuFunction = "_ZN4dnnl4impl3cpu3x643cpuEv";
    private const string PerCoreCacheFunction = "_ZN4dnnl4impl3cpu8platform23get_per_core_cache_sizeEi";
    private const string ExportedAnchor = "_ZN2at13globalContextEv";
    private const int MaxCacheLevels = 10;
    private const int CacheSizesOffset = 28;
    private const int CoresSharingOffset = CacheSizesOffset + 4 * MaxCacheLevels;
    private const int CacheLevelsOffset = CoresSharingOffset + 4 * MaxCacheLevels;
    private const int SteppingModelFamilyOffset = CacheLevelsOffset + 8;

    private readonly byte* _record;
    private readonly delegate* unmanaged<int, uint> _perCoreCacheSize;

    private OneDnnCpuRecord(byte* record, delegate* unmanaged<int, uint> perCoreCacheSize)
    {
        _record = record;
        _perCoreCacheSize = perCoreCacheSize;
    }

    /// <summary>Finds the record in the loaded libtorch_cpu; null with the reason when it cannot be found.</summary>
    public static OneDnnCpuRecord? Locate(out string? reason)
    {
        reason = null;
        if (LoadedLibraries.Containing(LoadedLibraries.Symbol("libtorch_cpu.so", ExportedAnchor)) is not var (path, loadBase))
        {
            reason = "libtorch_cpu is not loaded";
            return null;
        }
        ulong? cpu, perCore;
        try
        {
            cpu = ElfSymbolTable.FindValue(path, CpuFunction);
            perCore = ElfSymbolTable.FindValue(path, PerCoreCacheFunction);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            reason = $"cannot read the symbols of {path}: {e.Message}";
            return null;
        }
        if (cpu is null || perCore is null)
        {
            reason = $"{Path.GetFileName(path)} has no symbol for oneDNN's CPU record (stripped or another oneDNN)";
            return null;
        }
        var record = ((delegate* unmanaged<nint>)(loadBase + (nint)cpu.Value))();
        return new OneDnnCpuRecord((byte*)record, (delegate* unmanaged<int, uint>)(loadBase + (nint)perCore.Value));
    }

    public uint CacheLevels => Read(CacheLevelsOffset);

    public IReadOnlyList<uint> CacheSizes => ReadArray(CacheSizesOffset);

    public IReadOnlyList<uint> CoresSharing => ReadArray(CoresSharingOffset);

    /// <summary>What oneDNN's heuristics get for a cache level (1-3): the size divided by the cores that share it.</summary>
    public uint PerCoreCacheSize(int level) => _perCoreCacheSize(level);

    /// <summary>The family as Linux shows it in /proc/cpuinfo (base plus extended family).</summary>
    public int DisplayFamily => (int)Read(SteppingModelFamilyOffset + 20);

    /// <summary>The model as Linux shows it in /proc/cpuinfo (extended model in the high nibble).</summary>
    public int DisplayModel => (int)Read(SteppingModelFamilyOffset + 24);

    /// <summary>The record holds this CPU's family, model and stepping and the caches Xbyak derives from CPUID.</summary>
    public bool Describes(CpuCacheReport cpu) =>
        HoldsSignatureOf(cpu) && CacheLevels == cpu.XbyakDataCacheSizes.Count && CacheSizes.SequenceEqual(cpu.XbyakDataCacheSizes);

    /// <summary>The record's seven family and model fields are those Xbyak decodes from this CPU's signature.</summary>
    public bool HoldsSignatureOf(CpuCacheReport cpu)
    {
        var signature = cpu.CpuidSignature;
        int stepping = (int)(signature & 0xF), model = (int)((signature >> 4) & 0xF), family = (int)((signature >> 8) & 0xF);
        int extModel = (int)((signature >> 16) & 0xF), extFamily = (int)((signature >> 20) & 0xFF);
        var displayFamily = family == 0xF ? family + extFamily : family;
        var displayModel = family is 6 or 0xF ? (extModel << 4) + model : model;
        int[] expected = [model, family, stepping, extModel, extFamily, displayFamily, displayModel];
        return expected.Select((value, i) => (int)Read(SteppingModelFamilyOffset + 4 * i) == value).All(equal => equal);
    }

    /// <summary>Sets the data caches, each as its total size and the number of cores sharing it.</summary>
    public void Write(IReadOnlyList<(uint Size, uint CoresSharing)> caches)
    {
        if (caches.Count > MaxCacheLevels)
            throw new ArgumentOutOfRangeException(nameof(caches));
        for (var i = 0; i < MaxCacheLevels; i++)
        {
            WriteField(CacheSizesOffset + 4 * i, i < caches.Count ? caches[i].Size : 0);
            WriteField(CoresSharingOffset + 4 * i, i < caches.Count ? caches[i].CoresSharing : 0);
        }
        WriteField(CacheLevelsOffset, (uint)caches.Count);
    }

    private uint Read(int offset) => *(uint*)(_record + offset);

    private void WriteField(int offset, uint value) => *(uint*)(_record + offset) = value;

    private uint[] ReadArray(int offset) => Enumerable.Range(0, (int)Math.Min(CacheLevels, MaxCacheLevels)).Select(i => Read(offset + 4 * i)).ToArray();
}
