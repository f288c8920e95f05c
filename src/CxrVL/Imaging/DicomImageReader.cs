using System.Buffers.Binary;
using System.Text;
using OpenCvSharp;

namespace CxrVL.Imaging;

/// <summary>
/// Reads the first frame of a DICOM Part 10 file: the data set is parsed here (little-endian, explicit or implicit VR,
/// nested sequences skipped) and the pixels are either native (8/16-bit, 1 or 3 samples) or an encapsulated
/// JPEG/JPEG 2000 stream that OpenCV decodes. MONOCHROME1 is inverted so that bright means dense in every image.
/// Modality rescale and windowing are not applied: chest radiographs are used as stored.
/// </summary>
internal static class DicomImageReader
{
    private const string ImplicitLittle = "1.2.840.10008.1.2";
    private const string ExplicitLittle = "1.2.840.10008.1.2.1";
    private const uint PixelData = 0x7FE00010;
    private const uint Item = 0xFFFEE000;
    private const uint ItemEnd = 0xFFFEE00D;
    private const uint SequenceEnd = 0xFFFEE0DD;
    private const uint Undefined = 0xFFFFFFFF;

    public static PixelImage Read(ReadOnlySpan<byte> data, string source, ColorMode mode)
    {
        try
        {
            return ReadChecked(data, source, mode);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new ImageDecodeException(source, "DICOM file is truncated or corrupt (an element runs past the end of the file)");
        }
    }

    /// <summary>
    /// The image attributes of a DICOM file, read without decoding its pixels: what a service checks (size, frames)
    /// before it spends memory on an upload.
    /// </summary>
    public static DicomImageInfo ReadInfo(ReadOnlySpan<byte> data, string source)
    {
        try
        {
            var header = new Header();
            var cursor = new Cursor(data, 132, explicitVr: true);
            var hasPixels = SeekPixelData(data, source, header, ref cursor) is not null;
            return new DicomImageInfo(header.Rows, header.Columns, header.Frames, header.BitsAllocated, header.Photometric,
                                      header.TransferSyntax ?? ImplicitLittle, hasPixels);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new ImageDecodeException(source, "DICOM file is truncated or corrupt (an element runs past the end of the file)");
        }
    }

    /// <summary>
    /// Reads the file meta group and the data set up to the pixel data element, filling <paramref name="header"/>; returns
    /// the element's length (the cursor stands after a defined-length value, or at the first fragment), null without one.
    /// </summary>
    private static uint? SeekPixelData(ReadOnlySpan<byte> data, string source, Header header, ref Cursor cursor)
    {
        while (cursor.Position + 4 <= data.Length && BinaryPrimitives.ReadUInt16LittleEndian(data[cursor.Position..]) == 0x0002)
        {
            var element = cursor.Next();
            if (element.Tag == 0x00020010)
                header.TransferSyntax = Text(element.Value);
        }
        var syntax = header.TransferSyntax ?? ImplicitLittle;
        if (syntax == "1.2.840.10008.1.2.2" || syntax == "1.2.840.10008.1.2.1.99")
            throw new ImageDecodeException(source, $"DICOM transfer syntax {syntax} (big-endian or deflated) is not supported; convert the file to explicit little endian (e.g. dcmconv +te)");
        cursor.ExplicitVr = syntax != ImplicitLittle;
        while (cursor.Position + 8 <= data.Length)
        {
            var element = cursor.Next();
            if (element.Tag == PixelData)
                return element.Length;
            if (element.Length == Undefined)
            {
                cursor.SkipSequence();
                continue;
            }
            header.Set(element.Tag, element.Value);
        }
        return null;
    }

    private static PixelImage ReadChecked(ReadOnlySpan<byte> data, string source, ColorMode mode)
    {
        var header = new Header();
        var cursor = new Cursor(data, 132, explicitVr: true);
        List<byte[]>? fragments = null;
        ReadOnlySpan<byte> native = default;
        if (SeekPixelData(data, source, header, ref cursor) is { } length)
        {
            if (length == Undefined)
                fragments = cursor.ReadFragments();
            else
                native = data.Slice(cursor.Position - (int)length, (int)length);
        }
        var syntax = header.TransferSyntax ?? ImplicitLittle;
        if (fragments is null && native.IsEmpty)
            throw new ImageDecodeException(source, "DICOM file has no pixel data element (7FE0,0010)");
        if (header.Rows == 0 || header.Columns == 0)
            throw new ImageDecodeException(source, "DICOM file has no Rows/Columns");

        var maxValue = header.BitsStored is > 8 and <= 16 ? (1 << header.BitsStored) - 1 : 255;
        var mat = fragments is not null
            ? DecodeEncapsulated(fragments, syntax, source)
            : DecodeNative(native, header, source);
        try
        {
            if (header.Photometric == "MONOCHROME1")
            {
                using var inverted = new Mat();
                Cv2.Subtract(new Scalar(maxValue), mat, inverted);
                inverted.CopyTo(mat);
            }
            if (mode == ColorMode.Gray && mat.Channels() == 3)
            {
                var gray = new Mat();
                Cv2.CvtColor(mat, gray, ColorConversionCodes.RGB2GRAY);
                mat.Dispose();
                mat = gray;
            }
            return new PixelImage(mat, mat.Depth() == MatType.CV_8U ? 255 : maxValue);
        }
        catch
        {
            mat.Dispose();
            throw;
        }
    }

    private static Mat DecodeEncapsulated(List<byte[]> fragments, string syntax, string source)
    {
        var stream = fragments.Count == 1 ? fragments[0] : fragments.SelectMany(f => f).ToArray();
        if (ImageDecoder.IsJpeg(stream) && !ImageDecoder.HasJpegEnd(stream))
            throw new ImageDecodeException(source, "DICOM JPEG pixel data is truncated (no end-of-image marker)");
        try
        {
            return ImageDecoder.DecodeEncoded(stream, source, ColorMode.Color);
        }
        catch (ImageDecodeException)
        {
            throw new ImageDecodeException(source,
                $"DICOM pixel data in transfer syntax {syntax} cannot be decoded here (JPEG baseline/extended and JPEG 2000 " +
                "are supported where OpenCV's codecs allow); convert the file to uncompressed (e.g. dcmdjpeg or gdcmconv --raw)");
        }
    }

    private static Mat DecodeNative(ReadOnlySpan<byte> pixels, Header header, string source)
    {
        var samples = header.SamplesPerPixel == 0 ? 1 : header.SamplesPerPixel;
        if (samples is not (1 or 3) || header.BitsAllocated is not (8 or 16) || (samples == 3 && header.BitsAllocated != 8))
            throw new ImageDecodeException(source,
                $"DICOM pixel layout {samples} samples x {header.BitsAllocated} bits is not supported (1 sample of 8/16 bits, or 3 samples of 8 bits)");
        if (samples == 3 && header.PlanarConfiguration != 0)
            throw new ImageDecodeException(source, "DICOM colour planes stored separately (PlanarConfiguration 1) are not supported");
        var bytesPerSample = header.BitsAllocated / 8;
        var count = header.Rows * header.Columns * samples;
        if (pixels.Length < count * bytesPerSample)
            throw new ImageDecodeException(source,
                $"DICOM pixel data has {pixels.Length} bytes, fewer than Rows x Columns x samples ({header.Rows}x{header.Columns}x{samples})");
        var type = header.BitsAllocated == 8 ? MatType.CV_8UC(samples) : MatType.CV_16UC1;
        var mat = new Mat(header.Rows, header.Columns, type);
        if (header.BitsAllocated == 8)
        {
            pixels[..count].CopyTo(MatSpans.Row<byte>(mat, 0, count));
            return mat;
        }
        var target = MatSpans.Row<ushort>(mat, 0, count);
        var bits = header.BitsStored is > 0 and <= 16 ? header.BitsStored : 16;
        var mask = (1 << bits) - 1;
        var signed = header.PixelRepresentation == 1;
        for (var i = 0; i < count; i++)
        {
            var raw = BinaryPrimitives.ReadUInt16LittleEndian(pixels[(2 * i)..]) & mask;
            // Signed samples are shifted to unsigned so the stored range maps onto [0, 2^bits - 1].
            target[i] = (ushort)(signed ? ((raw ^ (1 << (bits - 1))) & mask) : raw);
        }
        return mat;
    }

    private static string Text(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');

    private sealed class Header
    {
        public string? TransferSyntax { get; set; }
        public int Rows { get; private set; }
        public int Columns { get; private set; }
        public int SamplesPerPixel { get; private set; }
        public int BitsAllocated { get; private set; }
        public int BitsStored { get; private set; }
        public int PixelRepresentation { get; private set; }
        public int PlanarConfiguration { get; private set; }
        public string Photometric { get; private set; } = "MONOCHROME2";
        public int Frames { get; private set; } = 1;

        public void Set(uint tag, ReadOnlySpan<byte> value)
        {
            switch (tag)
            {
                case 0x00280002: SamplesPerPixel = UInt16(value); break;
                case 0x00280004: Photometric = Text(value); break;
                case 0x00280008: Frames = int.TryParse(Text(value), System.Globalization.CultureInfo.InvariantCulture, out var frames) ? frames : 1; break;
                case 0x00280006: PlanarConfiguration = UInt16(value); break;
                case 0x00280010: Rows = UInt16(value); break;
                case 0x00280011: Columns = UInt16(value); break;
                case 0x00280100: BitsAllocated = UInt16(value); break;
                case 0x00280101: BitsStored = UInt16(value); break;
                case 0x00280103: PixelRepresentation = UInt16(value); break;
            }
        }

        private static int UInt16(ReadOnlySpan<byte> value) => value.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(value) : 0;
    }

    private readonly ref struct Element(uint tag, uint length, ReadOnlySpan<byte> value)
    {
        public uint Tag { get; } = tag;
        public uint Length { get; } = length;
        public ReadOnlySpan<byte> Value { get; } = value;
    }

    private ref struct Cursor(ReadOnlySpan<byte> data, int position, bool explicitVr)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Position { get; private set; } = position;

        public bool ExplicitVr { get; set; } = explicitVr;

        public Element Next()
        {
            var tag = ReadTag();
            uint length;
            if (tag >> 16 == 0xFFFE || !ExplicitVr)
            {
                length = UInt32();
            }
            else
            {
                var vr = _data.Slice(Position, 2);
                Position += 2;
                if (HasLongLength(vr))
                {
                    Position += 2;
                    length = UInt32();
                }
                else
                {
                    length = BinaryPrimitives.ReadUInt16LittleEndian(_data[Position..]);
                    Position += 2;
                }
            }
            if (length == Undefined)
                return new Element(tag, length, default);
            var value = _data.Slice(Position, checked((int)length));
            Position += (int)length;
            return new Element(tag, length, value);
        }

        /// <summary>Skips a sequence of undefined length, including nested items and sequences.</summary>
        public void SkipSequence()
        {
            while (true)
            {
                var tag = ReadTag();
                var length = UInt32();
                if (tag == SequenceEnd)
                    return;
                if (tag != Item)
                    throw new ArgumentOutOfRangeException(nameof(tag), "unexpected element in a sequence");
                if (length != Undefined)
                {
                    Position += checked((int)length);
                    continue;
                }
                while (true)
                {
                    var element = Next();
                    if (element.Tag == ItemEnd)
                        break;
                    if (element.Length == Undefined)
                        SkipSequence();
                }
            }
        }

        /// <summary>Reads the items of encapsulated pixel data; the first (the offset table) is dropped.</summary>
        public List<byte[]> ReadFragments()
        {
            var fragments = new List<byte[]>();
            var first = true;
            while (true)
            {
                var tag = ReadTag();
                var length = checked((int)UInt32());
                if (tag == SequenceEnd)
                    return fragments;
                if (tag != Item)
                    throw new ArgumentOutOfRangeException(nameof(tag), "unexpected element in encapsulated pixel data");
                if (!first)
                    fragments.Add(_data.Slice(Position, length).ToArray());
                first = false;
                Position += length;
            }
        }

        private uint ReadTag()
        {
            var group = BinaryPrimitives.ReadUInt16LittleEndian(_data[Position..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(_data[(Position + 2)..]);
            Position += 4;
            return (uint)group << 16 | element;
        }

        private uint UInt32()
        {
            var value = BinaryPrimitives.ReadUInt32LittleEndian(_data[Position..]);
            Position += 4;
            return value;
        }

        private static bool HasLongLength(ReadOnlySpan<byte> vr) =>
            vr[0] switch
            {
                (byte)'O' => vr[1] is (byte)'B' or (byte)'D' or (byte)'F' or (byte)'L' or (byte)'V' or (byte)'W',
                (byte)'S' => vr[1] is (byte)'Q' or (byte)'V',
                (byte)'U' => vr[1] is (byte)'C' or (byte)'N' or (byte)'R' or (byte)'T' or (byte)'V',
                _ => false,
            };
    }
}
