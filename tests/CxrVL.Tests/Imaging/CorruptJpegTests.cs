using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CxrVL.Data.Manifest;
using CxrVL.Imaging;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Imaging;

/// <summary>
/// Issue 18, item 14: a JPEG whose image data is damaged inside (cut short with an end-of-image marker appended,
/// bytes scrambled mid-file) decodes in OpenCV with gray fill and only a libjpeg warning on stderr; CxrVL refuses it as
/// a corrupt image, counted as a bad row. The reference is libjpeg itself: <c>djpeg -strict</c> (libjpeg-turbo-progs,
/// installed by <c>scripts/setup --tests</c>) exits non-zero exactly when libjpeg warns or fails.
/// </summary>
public sealed class CorruptJpegTests : IDisposable
{
    private readonly string _directory = TestImages.TempFolder();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>libjpeg's verdict: true when it decodes the file without any warning; and what it said.</summary>
    private static (bool Accepts, string Messages) Libjpeg(string path)
    {
        var start = new ProcessStartInfo("djpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-outfile", "/dev/null", path })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("djpeg is missing: run scripts/setup --tests");
        var messages = process.StandardError.ReadToEnd();
        process.WaitForExit();
        // djpeg exits 0 when clean, 2 after warnings, 1 on an error; -strict would make the first warning an error.
        return (process.ExitCode == 0, messages);
    }

    private static bool LibjpegAccepts(string path) => Libjpeg(path).Accepts;

    /// <summary>
    /// The one warning whose presence depends on libjpeg's buffering, not on the file: a few bytes left after the last
    /// block (its 64-bit bit buffer may already hold up to 8 of them and then says nothing). CxrVL reads those up to 8 bytes.
    /// </summary>
    /// <summary>
    /// A code that is in none of the file's Huffman tables breaks the JPEG standard (T.81 F.2.2.3) and libjpeg warns
    /// "bad Huffman code" when it meets one in its careful decoder; its fast path (libjpeg-turbo's HUFF_DECODE_FAST)
    /// reads it as symbol 0 without a word. Which path runs depends on its input buffer, so such a file may pass djpeg.
    /// </summary>
    private static bool IsCodeInNoTable(string? refusal) => refusal?.Contains("an invalid Huffman code", StringComparison.Ordinal) ?? false;

    private static bool OnlyReadAheadBytes(string messages) =>
        messages.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(line =>
            Regex.Match(line, @"^Corrupt JPEG data: (\d+) extraneous bytes before marker 0xd9$") is { Success: true } m && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) <= 8);

    /// <summary>CxrVL's verdict: null when it decodes the file, else why not.</summary>
    private static string? CxrVLRefusal(string path)
    {
        try
        {
            ImageDecoder.Decode(path, ColorMode.Gray).Dispose();
            return null;
        }
        catch (ImageDecodeException e)
        {
            return e.Reason;
        }
    }

    private string CutWithEndMarker(string source, double fraction)
    {
        var bytes = File.ReadAllBytes(source);
        var path = Path.Combine(_directory, $"cut{fraction:0.00}-{Path.GetFileName(source)}");
        File.WriteAllBytes(path, [.. bytes[..(int)(bytes.Length * fraction)], 0xFF, 0xD9]);
        return path;
    }

    [Fact]
    public void AJpegCutTo30PercentWithAnEndMarkerIsACorruptImage()
    {
        var cut = CutWithEndMarker(TestImages.Jpeg, 0.3);
        Assert.False(LibjpegAccepts(cut));

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(cut, ColorMode.Gray));

        Assert.False(error.IsMissing);
        Assert.StartsWith($"image '{cut}': JPEG data is corrupt: the image data ends after ", error.Message);
    }

    /// <summary>Every real image of the collection and the full-size samples pass, as libjpeg passes them.</summary>
    [Fact]
    public void EveryRealJpegPasses()
    {
        var files = Directory.GetFiles(TestImages.CovidFolder).Append(TestImages.LargeJpeg)
            .Where(f => ImageDecoder.IsJpeg(File.ReadAllBytes(f))).ToList();
        Assert.True(files.Count > 500);
        var refused = files.Where(f => JpegScanCheck.Problem(File.ReadAllBytes(f)) is not null).ToList();
        Assert.Empty(refused);
        Assert.All(files.Take(40), f => Assert.True(LibjpegAccepts(f), f));
    }

    /// <summary>
    /// Damage of every kind at seeded random places in real images (cuts with an end marker, scrambled runs, flipped
    /// bits, dropped and inserted bytes): CxrVL refuses a file exactly when libjpeg warns about it or fails, except where
    /// libjpeg's own verdict depends on its buffering: up to 8 left-over bytes, and a code in no Huffman table.
    /// </summary>
    [Fact]
    public void TheVerdictOnDamagedFilesIsLibjpegs()
    {
        var random = new Random(18);
        var sources = Directory.GetFiles(TestImages.CovidFolder).Order(StringComparer.Ordinal).Where((_, i) => i % 25 == 0).ToList();
        var disagreements = new List<string>();
        var refusedByBoth = 0;
        var index = 0;
        foreach (var source in sources)
        {
            var original = File.ReadAllBytes(source);
            // The image data starts after the scan header; damage there is what the decoder meets.
            var dataStart = original.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]) + 20;
            for (var variant = 0; variant < 8; variant++)
            {
                var bytes = original.ToList();
                var at = random.Next(dataStart, original.Length - 4);
                switch (variant % 4)
                {
                    case 0:
                        bytes = [.. original[..at], 0xFF, 0xD9];
                        break;
                    case 1:
                        for (var k = 0; k < 32 && at + k < original.Length - 2; k++)
                            bytes[at + k] = (byte)random.Next(256);
                        break;
                    case 2:
                        bytes[at] ^= (byte)(1 << random.Next(8));
                        break;
                    default:
                        if (random.Next(2) == 0)
                            bytes.RemoveRange(at, 1 + random.Next(16));
                        else
                            bytes.InsertRange(at, Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(1, 255)));
                        break;
                }
                var path = Path.Combine(_directory, $"damaged-{index++}.jpg");
                File.WriteAllBytes(path, [.. bytes]);
                var (libjpeg, messages) = Libjpeg(path);
                var refusal = CxrVLRefusal(path);
                if (!libjpeg && refusal is not null)
                    refusedByBoth++;
                else if (libjpeg != (refusal is null) && !(refusal is null && OnlyReadAheadBytes(messages)) && !(libjpeg && IsCodeInNoTable(refusal)))
                    disagreements.Add($"{Path.GetFileName(source)} variant {variant} at {at}: libjpeg {(libjpeg ? "accepts" : "refuses: " + messages.Trim())}, CxrVL {refusal ?? "accepts"}");
            }
        }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.True(refusedByBoth > sources.Count * 4, $"only {refusedByBoth} damaged files were refused");
    }

    [Fact]
    public void TheLoaderCountsACutJpegAsACorruptRowAndLoadsTheOthers()
    {
        var images = Directory.CreateDirectory(Path.Combine(_directory, "images")).FullName;
        var good = Directory.GetFiles(TestImages.CovidFolder).Order(StringComparer.Ordinal).Take(3).ToArray();
        foreach (var file in good)
            File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var cut = CutWithEndMarker(good[1], 0.3);
        File.Move(cut, Path.Combine(images, Path.GetFileName(cut)));
        var manifest = Path.Combine(_directory, "rows.jsonl");
        ManifestWriter.WriteAll(manifest, good.Append(cut).Select((path, i) => new ManifestRow
        {
            Dataset = "test", SubjectId = $"p{i}", StudyId = $"s{i}",
            Images = [new ManifestImage { Path = "images/" + Path.GetFileName(path), Present = true, View = "PA" }],
        }));
        new ManifestInfo { Dataset = "test", Root = _directory }.WriteFor(manifest);

        var (code, output, error) = CliRunner.Run("data", "load", manifest);
        Assert.Equal(2, code);
        Assert.Contains($"row test/s3, file '{Path.Combine(images, Path.GetFileName(cut))}': corrupt image: JPEG data is corrupt: the image data ends after", error);

        // Two epochs: the good files are checked once and then decoded directly; the cut one is refused every time.
        (code, output, error) = CliRunner.Run("data", "load", manifest, "--skip-bad", "--epochs", "2");
        Assert.True(code == 0, error + output);
        Assert.Contains("6 samples; skipped 1 bad row (corrupt image: 1)", output);
        Assert.Contains("skipped row test/s3", output);
    }
}
