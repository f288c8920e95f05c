using System.Buffers.Binary;
using System.Text;

namespace CxrVL.Tests.Serving;

/// <summary>
/// Writes a DICOM Part 10 file by the standard, byte by byte (explicit VR little endian: preamble, "DICM", the meta
/// group with its transfer syntax, then the data set), independent of the reader under test: 16-bit monochrome
/// pixels, any photometric interpretation and frame count, and a patient name the logs must never show.
/// </summary>
internal static class SyntheticDicom
{
    public const string ExplicitLittle = "1.2.840.10008.1.2.1";

    public static byte[] Create(ushort[] pixels, int width, int height, string photometric, string patientName, int frames = 1,
                                string transferSyntax = ExplicitLittle)
    {
        var stream = new MemoryStream();
        stream.Write(new byte[128]);
        stream.Write("DICM"u8);
        var syntax = Element(0x0002, 0x0010, "UI", Text(transferSyntax, '\0'));
        stream.Write(Element(0x0002, 0x0000, "UL", UInt32((uint)syntax.Length)));
        stream.Write(syntax);
        stream.Write(Element(0x0010, 0x0010, "PN", Text(patientName, ' ')));
        stream.Write(Element(0x0010, 0x0020, "LO", Text("ID-" + patientName, ' ')));
        stream.Write(Element(0x0028, 0x0002, "US", UInt16(1)));
        stream.Write(Element(0x0028, 0x0004, "CS", Text(photometric, ' ')));
        if (frames > 1)
            stream.Write(Element(0x0028, 0x0008, "IS", Text(frames.ToString(System.Globalization.CultureInfo.InvariantCulture), ' ')));
        stream.Write(Element(0x0028, 0x0010, "US", UInt16((ushort)height)));
        stream.Write(Element(0x0028, 0x0011, "US", UInt16((ushort)width)));
        stream.Write(Element(0x0028, 0x0100, "US", UInt16(16)));
        stream.Write(Element(0x0028, 0x0101, "US", UInt16(16)));
        stream.Write(Element(0x0028, 0x0102, "US", UInt16(15)));
        stream.Write(Element(0x0028, 0x0103, "US", UInt16(0)));
        var data = new byte[pixels.Length * 2 * frames];
        for (var frame = 0; frame < frames; frame++)
        {
            for (var i = 0; i < pixels.Length; i++)
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * (frame * pixels.Length + i)), pixels[i]);
        }
        stream.Write(Element(0x7FE0, 0x0010, "OW", data));
        return stream.ToArray();
    }

    private static byte[] Element(ushort group, ushort element, string vr, byte[] value)
    {
        var longLength = vr is "OB" or "OW" or "SQ" or "UN" or "UT";
        var header = new byte[longLength ? 12 : 8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), element);
        Encoding.ASCII.GetBytes(vr, header.AsSpan(4));
        if (longLength)
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)value.Length);
        else
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), (ushort)value.Length);
        return [.. header, .. value];
    }

    /// <summary>A text value padded to even length, as the standard asks (UI with NUL, others with a space).</summary>
    private static byte[] Text(string value, char padding) =>
        Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + padding);

    private static byte[] UInt16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
