using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;

namespace CxrVL.Runtime;

/// <summary>
/// Finds a symbol in an ELF64 file's full symbol table (<c>.symtab</c>), which also lists the local symbols that the
/// dynamic table leaves out. libtorch ships unstripped, so oneDNN's internal functions and statics are found by name.
/// </summary>
internal static class ElfSymbolTable
{
    private const uint SectionSymbolTable = 2;
    private const int SymbolEntrySize = 24;

    /// <summary>The symbol's value (its offset from the load base for a shared object), or null when absent.</summary>
    public static unsafe ulong? FindValue(string path, string mangledName)
    {
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        try
        {
            var length = (long)view.SafeMemoryMappedViewHandle.ByteLength;
            return Find(start + view.PointerOffset, length - view.PointerOffset, mangledName);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static unsafe ulong? Find(byte* elf, long length, string mangledName)
    {
        ReadOnlySpan<byte> Bytes(long offset, long count) =>
            offset < 0 || count < 0 || offset + count > length || count > int.MaxValue
                ? throw new InvalidDataException("an ELF section lies outside the file")
                : new ReadOnlySpan<byte>(elf + offset, (int)count);

        var header = Bytes(0, 64);
        if (!header[..4].SequenceEqual("\u007fELF"u8) || header[4] != 2 || header[5] != 1)
            throw new InvalidDataException("not a little-endian ELF64 file");
        var sectionTable = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]);
        var sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3A..]);
        var sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3C..]);
        var sections = Bytes(sectionTable, (long)sectionSize * sectionCount);

        for (var i = 0; i < sectionCount; i++)
        {
            var section = sections.Slice(i * sectionSize, sectionSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(section[4..]) != SectionSymbolTable)
                continue;
            var symbols = Bytes((long)BinaryPrimitives.ReadUInt64LittleEndian(section[0x18..]),
                                (long)BinaryPrimitives.ReadUInt64LittleEndian(section[0x20..]));
            var linked = sections.Slice((int)BinaryPrimitives.ReadUInt32LittleEndian(section[0x28..]) * sectionSize, sectionSize);
            var names = Bytes((long)BinaryPrimitives.ReadUInt64LittleEndian(linked[0x18..]),
                              (long)BinaryPrimitives.ReadUInt64LittleEndian(linked[0x20..]));
            return FindInTable(symbols, names, mangledName);
        }
        return null;
    }

    /// <summary>
    /// Looks the name up in the string table first (one vectorised scan), then the symbol that points at it: far
    /// quicker than comparing the names of half a million symbols.
    /// </summary>
    private static ulong? FindInTable(ReadOnlySpan<byte> symbols, ReadOnlySpan<byte> names, string mangledName)
    {
        var pattern = Encoding.ASCII.GetBytes("\0" + mangledName + "\0");
        var nameOffsets = new HashSet<uint>();
        for (var from = 0; from < names.Length;)
        {
            var at = names[from..].IndexOf(pattern);
            if (at < 0)
                break;
            nameOffsets.Add((uint)(from + at + 1));
            from += at + 1;
        }
        if (nameOffsets.Count == 0)
            return null;
        for (var offset = 0; offset + SymbolEntrySize <= symbols.Length; offset += SymbolEntrySize)
        {
            var entry = symbols.Slice(offset, SymbolEntrySize);
            if (nameOffsets.Contains(BinaryPrimitives.ReadUInt32LittleEndian(entry)))
                return BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
        }
        return null;
    }
}
