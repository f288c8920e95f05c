using System.Diagnostics;
using System.Text.Json;
using CxrVL.Files;
using CxrVL.Imaging;
using CxrVL.Imaging.Transforms;
using OpenCvSharp;
using Resize = CxrVL.Imaging.Transforms.Resize;
using SkiaSharp;

namespace CxrVL.Bench;

/// <summary>
/// Why CxrVL decodes with OpenCV: decode + resize (shorter side 224) + centre crop 224 to 8-bit gray pixels, one
/// thread, over the shared COVID JPEGs, with each library served here (OpenCvSharp, NetVips, SkiaSharp).
/// </summary>
internal sealed class ImagingLibrariesBenchmark : IBenchmark
{
    private const int Size = 224;

    public string Name => "imaging-libs";

    public string Description => "decode + resize + crop per library (OpenCV, NetVips, SkiaSharp), one thread";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var repeats = new BenchArguments(arguments).Int("repeats", 4);
        var folder = Path.Combine(DataRoots.Dataset("covid-chestxray"), "images");
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Cv2.SetNumThreads(1);
        NetVips.NetVips.Concurrency = 1;
        NetVips.Cache.Max = 0;
        var target = new byte[Size * Size];
        var floats = new float[Size * Size];
        (string Name, Action<byte[]> Run)[] cases =
        [
            ("opencv (area)", bytes => OpenCv(bytes, InterpolationFlags.Area, target)),
            ("opencv (linear)", bytes => OpenCv(bytes, InterpolationFlags.Linear, target)),
            ("cxrvl (opencv decode, pillow-exact linear, to floats)", bytes => CxrVLPipeline(bytes, floats)),
            ("netvips (linear)", bytes => Vips(bytes, target)),
            ("skiasharp (linear)", bytes => Skia(bytes, target)),
        ];
        var results = new Dictionary<string, double>();
        foreach (var (name, run) in cases)
        {
            foreach (var bytes in files.Take(20))
                run(bytes);
            var watch = Stopwatch.StartNew();
            for (var r = 0; r < repeats; r++)
            {
                foreach (var bytes in files)
                    run(bytes);
            }
            results[name] = Math.Round(repeats * files.Length / watch.Elapsed.TotalSeconds, 1);
            output.WriteLine($"  {name,-54} {results[name],8:F0} images/s");
        }
        output.WriteLine("RESULT " + JsonSerializer.Serialize(new { images = files.Length, repeats, images_per_second = results }));
        return 0;
    }

    private static (int Width, int Height) Scaled(int width, int height) =>
        width <= height ? (Size, Size * height / width) : (Size * width / height, Size);

    private static void OpenCv(byte[] bytes, InterpolationFlags flags, byte[] target)
    {
        using var decoded = Cv2.ImDecode(bytes, ImreadModes.Grayscale);
        var (w, h) = Scaled(decoded.Width, decoded.Height);
        using var resized = new Mat();
        Cv2.Resize(decoded, resized, new Size(w, h), 0, 0, flags);
        using var crop = new Mat(resized, new Rect((w - Size) / 2, (h - Size) / 2, Size, Size));
        using var copy = crop.Clone();
        System.Runtime.InteropServices.Marshal.Copy(copy.Data, target, 0, target.Length);
    }

    /// <summary>What the loader runs: OpenCV decode, then CxrVL's Pillow-compatible resize and crop.</summary>
    private static void CxrVLPipeline(byte[] bytes, float[] target)
    {
        using var sample = new ImageSample(ImageDecoder.Decode(bytes, "bench", ColorMode.Gray));
        var random = new TransformRandom(0);
        Resize.Shorter(Size).Apply(sample, random);
        new CenterCrop(Size).Apply(sample, random);
        PixelWriter.Write(sample.Image, target, 1, Normalization.None);
    }

    private static void Vips(byte[] bytes, byte[] target)
    {
        using var decoded = NetVips.Image.NewFromBuffer(bytes, access: NetVips.Enums.Access.Sequential);
        using var gray = decoded.Bands == 1 ? decoded.Copy() : decoded.Colourspace(NetVips.Enums.Interpretation.Bw);
        var (w, h) = Scaled(gray.Width, gray.Height);
        using var resized = gray.Resize((double)w / gray.Width, vscale: (double)h / gray.Height, kernel: NetVips.Enums.Kernel.Linear);
        using var crop = resized.Crop((resized.Width - Size) / 2, (resized.Height - Size) / 2, Size, Size);
        crop.WriteToMemory<byte>().AsSpan(0, target.Length).CopyTo(target);
    }

    private static void Skia(byte[] bytes, byte[] target)
    {
        using var decoded = SKBitmap.Decode(bytes);
        var (w, h) = Scaled(decoded.Width, decoded.Height);
        using var resized = decoded.Resize(new SKImageInfo(w, h, SKColorType.Gray8), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var pixels = resized.GetPixelSpan();
        for (var y = 0; y < Size; y++)
            pixels.Slice((y + (h - Size) / 2) * resized.RowBytes + (w - Size) / 2, Size).CopyTo(target.AsSpan(y * Size, Size));
    }
}
