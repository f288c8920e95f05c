using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace CxrVL.Imaging;

/// <summary>
/// Walks the entropy-coded data of a sequential Huffman JPEG (SOF0, SOF1: what radiograph archives hold) block by
/// block, without the inverse DCT, and finds what libjpeg only warns about on stderr while OpenCV returns an image
/// anyway: data that ends before the last block (a file cut short, even with an end-of-image marker added: libjpeg
/// fills the rest with gray), a code that is in no Huffman table, restart markers out of order, and bytes between the
/// last block and the next marker. These are the conditions behind libjpeg's "Corrupt JPEG data" and "Premature end"
/// warnings; <c>djpeg -strict</c> turns the same warnings into errors. Progressive, lossless and arithmetic-coded files
/// are left to the decoder.
/// </summary>
internal static class JpegScanCheck
{
    /// <summary>
    /// Bytes libjpeg may already hold in its 64-bit bit buffer when a scan ends: left-over bytes up to this many are
    /// read silently (or reported, depending on how full the buffer happened to be), so only more than this is called
    /// corrupt; the blocks themselves all decoded.
    /// </summary>
    private const int ReadAheadBytes = 8;

    private sealed record Component(int Id, int H, int V);

    private sealed record Frame(int Width, int Height, IReadOnlyList<Component> Components)
    {
        public int MaxH => Components.Max(c => c.H);

        public int MaxV => Components.Max(c => c.V);
    }

    /// <summary>Null when the data is sound (or of a kind not checked here), else what is wrong, for the user.</summary>
    public static string? Problem(ReadOnlySpan<byte> data)
    {
        var dc = new HuffmanTable?[4];
        var ac = new HuffmanTable?[4];
        Frame? frame = null;
        var restartInterval = 0;
        var position = 2;
        while (position + 1 < data.Length)
        {
            if (data[position] != 0xFF)
                return $"bytes that belong to no block or marker at offset {position.ToString(CultureInfo.InvariantCulture)}";
            var marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++;
                continue;
            }
            if (marker == 0xD9)
                return null;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                position += 2;
                continue;
            }
            if (position + 4 > data.Length)
                return "the file ends inside a marker segment";
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2 || position + 2 + length > data.Length)
                return "the file ends inside a marker segment";
            var segment = data.Slice(position + 4, length - 2);
            switch (marker)
            {
                case 0xC0 or 0xC1:
                    frame = ReadFrame(segment);
                    if (frame is null)
                        return null;
                    break;
                case >= 0xC2 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                    // Progressive, lossless or arithmetic coding: left to the decoder.
                    return null;
                case 0xC4:
                    if (!ReadHuffmanTables(segment, dc, ac))
                        return "a Huffman table is malformed";
                    break;
                case 0xDD when segment.Length >= 2:
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xDA:
                    if (frame is null)
                        return null;
                    var (problem, end) = CheckScan(data, position + 2 + length, segment, frame, dc, ac, restartInterval);
                    if (problem is not null)
                        return problem;
                    position = end;
                    continue;
            }
            position += 2 + length;
        }
        return "the file ends without an end-of-image marker";
    }

    /// <summary>The frame of an 8- or 12-bit sequential image; null for one this check does not cover (height set later by DNL).</summary>
    private static Frame? ReadFrame(ReadOnlySpan<byte> segment)
    {
        if (segment.Length < 6)
            return null;
        var height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
        var width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
        var count = segment[5];
        if (height == 0 || width == 0 || count == 0 || segment.Length < 6 + 3 * count)
            return null;
        var components = new List<Component>(count);
        for (var i = 0; i < count; i++)
        {
            var sampling = segment[6 + 3 * i + 1];
            var (h, v) = (sampling >> 4, sampling & 15);
            if (h is < 1 or > 4 || v is < 1 or > 4)
                return null;
            components.Add(new Component(segment[6 + 3 * i], h, v));
        }
        return new Frame(width, height, components);
    }

    private static bool ReadHuffmanTables(ReadOnlySpan<byte> segment, HuffmanTable?[] dc, HuffmanTable?[] ac)
    {
        while (segment.Length > 0)
        {
            if (segment.Length < 17)
                return false;
            var (tableClass, id) = (segment[0] >> 4, segment[0] & 15);
            var counts = segment.Slice(1, 16);
            var total = 0;
            foreach (var count in counts)
                total += count;
            if (id > 3 || tableClass > 1 || segment.Length < 17 + total || total > 256)
                return false;
            var table = HuffmanTable.Create(counts, segment.Slice(17, total), isDc: tableClass == 0);
            if (table is null)
                return false;
            (tableClass == 0 ? dc : ac)[id] = table;
            segment = segment[(17 + total)..];
        }
        return true;
    }

    /// <summary>Checks one scan whose entropy-coded data starts at <paramref name="start"/>; returns a problem, or the position of the marker after it.</summary>
    private static (string? Problem, int End) CheckScan(ReadOnlySpan<byte> data, int start, ReadOnlySpan<byte> header, Frame frame,
                                                         HuffmanTable?[] dc, HuffmanTable?[] ac, int restartInterval)
    {
        if (header.Length < 1 || header.Length < 1 + 2 * header[0] + 3)
            return ("a scan header is malformed", start);
        var count = header[0];
        var blockList = new List<(HuffmanTable Dc, HuffmanTable Ac)>();
        long mcus;
        for (var i = 0; i < count; i++)
        {
            var id = header[1 + 2 * i];
            var component = frame.Components.FirstOrDefault(c => c.Id == id);
            var (dcId, acId) = (header[2 + 2 * i] >> 4, header[2 + 2 * i] & 15);
            if (component is null || dcId > 3 || acId > 3 || dc[dcId] is not { } dcTable || ac[acId] is not { } acTable)
                return ("a scan names a component or Huffman table the file does not define", start);
            // Interleaved scans code H x V blocks of each component per MCU; a one-component scan codes one block at a time.
            var blocks = count == 1 ? 1 : component.H * component.V;
            for (var b = 0; b < blocks; b++)
                blockList.Add((dcTable, acTable));
        }
        var blocksPerMcu = blockList.ToArray();
        if (count == 1)
        {
            var id = header[1];
            var component = frame.Components.First(c => c.Id == id);
            var columns = Ceiling(Ceiling(frame.Width * component.H, frame.MaxH), 8);
            var rows = Ceiling(Ceiling(frame.Height * component.V, frame.MaxV), 8);
            mcus = (long)columns * rows;
        }
        else
        {
            mcus = (long)Ceiling(frame.Width, 8 * frame.MaxH) * Ceiling(frame.Height, 8 * frame.MaxV);
        }

        var position = start;
        var decoded = 0L;
        var intervals = restartInterval == 0 ? 1 : Ceiling(mcus, restartInterval);
        var total = mcus * blocksPerMcu.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length - start));
        try
        {
            for (var interval = 0L; interval < intervals; interval++)
            {
                position = Unstuff(data, position, buffer, out var length, out var marker);
                var reader = new BitReader(buffer.AsSpan(0, length));
                var inInterval = restartInterval == 0 ? mcus : Math.Min(restartInterval, mcus - interval * restartInterval);
                for (var m = 0L; m < inInterval; m++)
                {
                    foreach (var (dcTable, acTable) in blocksPerMcu)
                    {
                        if (!SkipBlock(ref reader, dcTable, acTable))
                            return ($"an invalid Huffman code in block {decoded + 1:N0} of {total:N0}", position);
                        if (reader.Overrun)
                            return (CutShort(decoded, total), position);
                        decoded++;
                    }
                }
                if (reader.UnusedBytes > ReadAheadBytes)
                    return ($"{reader.UnusedBytes:N0} bytes that belong to no block after block {decoded:N0} of {total:N0}", position);
                var last = interval == intervals - 1;
                if (!last && marker != 0xD0 + (int)(interval % 8))
                    return (marker is >= 0xD0 and <= 0xD7
                        ? $"restart marker {marker - 0xD0} where {interval % 8} belongs, after block {decoded:N0} of {total:N0}"
                        : CutShort(decoded, total), position);
                if (!last)
                    position += 2;
                else if (marker is >= 0xD0 and <= 0xD7)
                    return ($"a restart marker after the last block ({total:N0})", position);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (null, position);
    }

    private static string CutShort(long decoded, long total) =>
        $"the image data ends after {decoded:N0} of {total:N0} blocks (a file cut short: the decoder would fill the rest with gray)";

    /// <summary>
    /// Copies the entropy-coded bytes from <paramref name="position"/> up to the next marker into <paramref name="segment"/>,
    /// undoing the byte stuffing (FF 00 stands for FF); returns the marker's position and its code (0 at the end of the data).
    /// </summary>
    private static int Unstuff(ReadOnlySpan<byte> data, int position, byte[] segment, out int length, out int marker)
    {
        length = 0;
        while (position < data.Length)
        {
            var run = data[position..].IndexOf((byte)0xFF);
            if (run < 0)
                run = data.Length - position;
            data.Slice(position, run).CopyTo(segment.AsSpan(length));
            length += run;
            position += run;
            if (position + 1 >= data.Length)
                break;
            var next = data[position + 1];
            if (next == 0x00)
            {
                segment[length++] = 0xFF;
                position += 2;
            }
            else if (next == 0xFF)
            {
                // Fill bytes before a marker.
                position++;
            }
            else
            {
                marker = next;
                return position;
            }
        }
        marker = 0;
        return data.Length;
    }

    /// <summary>Consumes one block's DC difference and AC coefficients; false on a code that is in no table.</summary>
    private static bool SkipBlock(ref BitReader reader, HuffmanTable dc, HuffmanTable ac)
    {
        if (dc.Consume(ref reader) < 0)
            return false;
        for (var k = 1; k < 64;)
        {
            var symbol = ac.Consume(ref reader);
            if (symbol < 0)
                return false;
            var (run, bits) = (symbol >> 4, symbol & 15);
            if (bits == 0)
            {
                if (run != 15)
                    break;
                k += 16;
                continue;
            }
            k += run + 1;
        }
        return true;
    }

    private static int Ceiling(int value, int divisor) => (value + divisor - 1) / divisor;

    private static long Ceiling(long value, long divisor) => (value + divisor - 1) / divisor;

    /// <summary>Reads bits most significant first from unstuffed scan data; reading past the end gives zeros and sets <see cref="Overrun"/>.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private long _consumed;

        public readonly bool Overrun => _consumed > 8L * _data.Length;

        /// <summary>Whole bytes after the byte the last bit read came from.</summary>
        public readonly long UnusedBytes => Math.Max(0, _data.Length - (_consumed + 7) / 8);

        /// <summary>The next 16 bits, without consuming them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int Peek16()
        {
            var index = _consumed >> 3;
            var shift = (int)(_consumed & 7);
            if (index + 4 <= _data.Length)
                return (int)((BinaryPrimitives.ReadUInt32BigEndian(_data[(int)index..]) << shift) >> 16);
            uint window = 0;
            for (var i = 0; i < 3; i++)
                window = (window << 8) | (index + i < _data.Length ? _data[(int)(index + i)] : 0u);
            return (int)(window >> (8 - shift)) & 0xFFFF;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Skip(int bits) => _consumed += bits;
    }

    /// <summary>
    /// A canonical Huffman code (JPEG Annex C). A 9-bit lookup covers the short codes that make up most of a scan and
    /// gives, with the symbol, the code's length plus the extra bits the symbol announces, so one step consumes both.
    /// </summary>
    private sealed class HuffmanTable
    {
        private const int LookupBits = 9;

        private readonly int[] _maxCode = new int[17];
        private readonly int[] _offset = new int[17];
        private readonly byte[] _values;
        private readonly bool _isDc;
        private readonly int[] _lookup = new int[1 << LookupBits];

        private HuffmanTable(byte[] values, bool isDc) => (_values, _isDc) = (values, isDc);

        public static HuffmanTable? Create(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values, bool isDc)
        {
            var table = new HuffmanTable(values.ToArray(), isDc);
            Array.Fill(table._lookup, -1);
            int code = 0, index = 0;
            for (var length = 1; length <= 16; length++)
            {
                table._offset[length] = index - code;
                for (var i = 0; i < counts[length - 1]; i++, index++, code++)
                {
                    if (length > LookupBits)
                        continue;
                    var first = code << (LookupBits - length);
                    var entry = (values[index] << 8) | (length + table.ExtraBits(values[index]));
                    Array.Fill(table._lookup, entry, first, 1 << (LookupBits - length));
                }
                table._maxCode[length] = counts[length - 1] == 0 ? -1 : code - 1;
                if (code > 1 << length)
                    return null;
                code <<= 1;
            }
            return table;
        }

        /// <summary>Consumes the next code and the extra bits its symbol announces; returns the symbol, or -1 when no code of up to 16 bits matches.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Consume(ref BitReader reader)
        {
            var bits = reader.Peek16();
            var entry = _lookup[bits >> (16 - LookupBits)];
            if (entry >= 0)
            {
                reader.Skip(entry & 0xFF);
                return entry >> 8;
            }
            for (var length = LookupBits + 1; length <= 16; length++)
            {
                var code = bits >> (16 - length);
                if (_maxCode[length] >= 0 && code <= _maxCode[length])
                {
                    var symbol = _values[_offset[length] + code];
                    reader.Skip(length + ExtraBits(symbol));
                    return symbol;
                }
            }
            return -1;
        }

        /// <summary>A DC symbol is the size of the difference that follows; an AC symbol's low four bits are the coefficient's size.</summary>
        private int ExtraBits(int symbol) => _isDc ? symbol : symbol & 15;
    }
}
