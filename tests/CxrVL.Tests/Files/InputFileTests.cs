using System.IO.Compression;
using System.Text;
using CxrVL.Files;

namespace CxrVL.Tests.Files;

/// <summary>The one reader of user-given files: lines as .NET's own reader splits them, and errors that name the place.</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-input-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void LinesMatchStreamReaderForBomCrLfLongLinesAndNoFinalNewline()
    {
        var text = "first\r\nsecond é\n\n" + new string('x', 200_000) + "\nlast without newline";
        var path = Write("lines.txt", [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)]);

        var expected = File.ReadLines(path).ToList();
        var lines = InputFile.ReadLines(path).ToList();

        Assert.Equal(expected, lines.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1, expected.Count), lines.Select(l => l.Number));
    }

    [Fact]
    public void GzipFilesAreReadDecompressed()
    {
        var path = Path.Combine(_directory, "rows.jsonl.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gzip.Write("a\nb\n"u8);
        Assert.Equal(["a", "b"], InputFile.ReadLines(path).Select(l => l.Text));
    }

    [Fact]
    public void ABadByteOnALaterLineNamesThatLineAndColumn()
    {
        var path = Write("bad.txt", [.. "ok\nalso ok\nab"u8, 0xC0, .. "cd\n"u8]);
        var error = Assert.Throws<CxrVLException>(() => InputFile.ReadLines(path).ToList());
        Assert.Equal($"{path}:3:3: not valid UTF-8 (byte 0xC0); save the file as UTF-8.", error.Message);
        Assert.Equal(error.Message, Assert.Throws<CxrVLException>(() => InputFile.ReadText(path)).Message);
    }

    [Fact]
    public void MissingFilesAndFoldersAreNamed()
    {
        var missing = Path.Combine(_directory, "none.json");
        Assert.Equal($"references file '{missing}' does not exist.", Assert.Throws<CxrVLException>(() => InputFile.ReadJson(missing, "references file")).Message);
        Assert.Equal($"file '{_directory}' is a folder; pass the file itself.", Assert.Throws<CxrVLException>(() => InputFile.ReadText(_directory)).Message);
    }
}
