using System.Diagnostics;
using System.Text.Json;
using CxrVL.Data.Loading;
using CxrVL.Files;
using CxrVL.Imaging;

namespace CxrVL.Bench;

/// <summary>
/// The batch loader over the shared COVID JPEGs with one recipe (default: decode, resize shorter side 256, centre crop
/// 224, ImageNet normalisation, 3 channels), N epochs; images/s per epoch and resident memory after each epoch.
/// bench/reference/loader_torchvision.py runs the same with torchvision's DataLoader.
/// </summary>
internal sealed class LoaderBenchmark : IBenchmark
{
    public string Name => "loader";

    public string Description => "batch loader images/s and RSS over epochs (vs torchvision DataLoader: bench/run-loader.sh)";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = new BenchArguments(arguments);
        var epochs = options.Int("epochs", 10);
        var recipe = ImageRecipes.BuiltIn.Get(options.String("recipe", "imagenet"));
        var loaderOptions = new LoaderOptions
        {
            BatchSize = options.Int("batch", 32),
            Workers = options.Int("workers", 2),
            Prefetch = options.Int("prefetch", 4),
            Shuffle = true,
        };
        var folder = Path.Combine(DataRoots.Dataset("covid-chestxray"), "images");
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        var loader = new BatchLoader<PixelBuffer, ImageBatch>(
            new ImageFileSource(files, recipe.Pipeline(train: false)), new ImageBatchCollator(recipe), loaderOptions);

        // Load the native libraries (libtorch, OpenCV) before timing, as the Python side imports torch and PIL first.
        using (TorchSharp.torch.empty(1))
            ImageDecoder.Decode(files[0], ColorMode.Gray).Dispose();

        var rates = new List<double>();
        var rss = new List<long>();
        var managed = new List<long>();
        var total = Stopwatch.StartNew();
        long images = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            long count = 0;
            foreach (var batch in loader.ReadEpoch(epoch))
            {
                using (batch)
                    count += batch.Images.shape[0];
            }
            rates.Add(count / watch.Elapsed.TotalSeconds);
            rss.Add(ProcessMemory.ResidentBytes());
            managed.Add(GC.GetTotalMemory(false));
            images += count;
        }
        var overall = images / total.Elapsed.TotalSeconds;
        output.WriteLine($"loader: {files.Length} images x {epochs} epochs, recipe {recipe.Name}, batch {loaderOptions.BatchSize}, " +
                          $"{loaderOptions.Workers} workers: {overall:F0} images/s");
        for (var e = 0; e < epochs; e++)
            output.WriteLine($"  epoch {e + 1,2}: {rates[e],7:F0} images/s, RSS {rss[e] / (1 << 20),5} MiB (managed heap {managed[e] / (1 << 20),4} MiB)");
        output.WriteLine($"  {loader.Stats.Summary()}");
        output.WriteLine("RESULT " + JsonSerializer.Serialize(new
        {
            images_per_second = Math.Round(overall, 1),
            epoch_images_per_second = rates.Select(r => Math.Round(r, 1)),
            rss_mib = rss.Select(r => Math.Round(r / 1048576.0, 1)),
            images = files.Length,
            epochs,
            batch = loaderOptions.BatchSize,
            workers = loaderOptions.Workers,
        }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict }));
        return 0;
    }
}
