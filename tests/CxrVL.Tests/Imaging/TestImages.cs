using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.RegularExpressions;
using CxrVL.Files;

namespace CxrVL.Tests.Imaging;

/// <summary>Real images from the shared data, and files the tests write themselves (PNG encoder, truncated copies).</summary>
internal static class TestImages
{
    public static string CovidFolder => Path.Combine(DataRoots.Dataset("covid-chestxray"), "images");

    /// <summary>A 312x256 8-bit gray JPEG from the COVID collection.</summary>
    public static string Jpeg => Path.Combine(CovidFolder, "000001-17.jpg");

    /// <summary>A full-resolution 2373 px JPEG (the shrink-by-ten case).</summary>
    public static string LargeJpeg => Path.Combine(DataRoots.Dataset("samples"), "covid-19-pneumonia-58-prior.jpg");

    public static string Dicom => Path.Combine(DataRoots.Dataset("samples"), "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm");

    /// <summary>
    /// A new folder under this test process's own temporary root, which is deleted when the process exits: callers need
    /// not clean up, and repeated test runs do not fill the temporary directory.
    /// </summary>
    public static string TempFolder()
    {
        var folder = Path.Combine(ProcessTempRoot.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static readonly Lazy<string> ProcessTempRoot = new(() =>
    {
        var root = Directory.CreateTempSubdirectory($"cxrvl-tests-{Environment.ProcessId}-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A file still open at exit (a native library's handle) keeps the folder; the system's cleaner removes it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return root;
    });

    /// <summary>A copy of <paramref name="source"/> cut to <paramref name="fraction"/> of its length.</summary>
    public static string Truncated(string source, string folder, double fraction = 0.6)
    {
        var bytes = File.ReadAllBytes(source);
        var path = Path.Combine(folder, "truncated-" + Path.GetFileName(source));
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * fraction)]);
        return path;
    }

    /// <summary>
    /// Writes a grayscale PNG by the specification (signature, IHDR, one zlib IDAT with filter byte 0 per row, IEND,
    /// CRC-32 per chunk), 8 or 16 bits per sample, samples big-endian. Independent of the decoder under test.
    /// </summary>
    public static void WriteGrayPng(string path, int width, int height, int bitDepth, Func<int, int, int> value)
    {
        var bytesPerSample = bitDepth / 8;
        var raw = new byte[height * (1 + width * bytesPerSample)];
        var offset = 0;
        for (var y = 0; y < height; y++)
        {
            raw[offset++] = 0;
            for (var x = 0; x < width; x++)
            {
                var v = value(x, y);
                if (bitDepth == 16)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(offset), (ushort)v);
                    offset += 2;
                }
                else
                {
                    raw[offset++] = (byte)v;
                }
            }
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(raw);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        using var file = File.Create(path);
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", compressed.ToArray());
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        stream.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
        stream.Write(length);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    public static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>The first <paramref name="count"/> COVID-19 images of the collection's metadata.csv that exist.</summary>
    public static IReadOnlyList<string> Covid19(int count)
    {
        var root = DataRoots.Dataset("covid-chestxray");
        using var reader = new StreamReader(Path.Combine(root, "metadata.csv"));
        var header = ParseCsvLine(reader.ReadLine()!);
        var (finding, file) = (header.IndexOf("finding"), header.IndexOf("filename"));
        var found = new List<string>();
        while (reader.ReadLine() is { } line && found.Count < count)
        {
            var cells = ParseCsvLine(line);
            var path = Path.Combine(root, "images", cells[file]);
            if (cells[finding] == "COVID-19" && File.Exists(path))
                found.Add(path);
        }
        return found;
    }

    private static List<string> ParseCsvLine(string line) =>
        Regex.Matches(line, "(?:^|,)(\"(?:[^\"]|\"\")*\"|[^,]*)").Select(m => m.Groups[1].Value.Trim('"')).ToList();
}
