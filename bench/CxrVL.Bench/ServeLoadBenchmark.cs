using System.Diagnostics;
using System.Globalization;
using System.Net;
using CxrVL.Files;

namespace CxrVL.Bench;

/// <summary>
/// A loopback load test of a running <c>cxrvl serve</c>: N clients post real COVID-19 radiographs to /v1/studies in a
/// loop for a bounded time and count, while the server's resident memory is read from /proc every second. Prints
/// <c>variant value</c> lines: requests, errors (anything but 200), throughput, p50 and p99 latency, and the server's
/// resident memory after the warm-up, at the end and at its largest. Options: <c>--url</c> (required), <c>--pid</c>
/// (the server's process, for memory), <c>--clients N</c> (8), <c>--seconds N</c> (60), <c>--warmup N</c> seconds
/// (10, not counted), <c>--max-requests N</c> (100000), <c>--images N</c> distinct images (32).
/// </summary>
internal sealed class ServeLoadBenchmark : IBenchmark
{
    public string Name => "serve-load";

    public string Description => "loopback load test of cxrvl serve: latency percentiles, throughput, errors, server RSS";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = new BenchArguments(arguments);
        var url = options.String("url", "");
        if (url.Length == 0)
            throw new ArgumentException("--url http://127.0.0.1:PORT is required");
        var (clients, seconds, warmup) = (options.Int("clients", 8), options.Int("seconds", 60), options.Int("warmup", 10));
        var (maxRequests, pid) = (options.Int("max-requests", 100_000), options.Int("pid", 0));
        var images = Directory.GetFiles(Path.Combine(DataRoots.Dataset("covid-chestxray"), "images"))
            .Order(StringComparer.Ordinal).Take(options.Int("images", 32)).Select(File.ReadAllBytes).ToList();
        output.WriteLine($"# {clients} clients, {warmup} s warm-up then {seconds} s, {images.Count} COVID-19 images, server pid {pid}");

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        var latencies = new List<double>();
        var statuses = new Dictionary<int, int>();
        var memory = new List<(double Second, long Bytes)>();
        var clock = Stopwatch.StartNew();
        var measuring = TimeSpan.FromSeconds(warmup);
        var end = TimeSpan.FromSeconds(warmup + seconds);
        var sent = 0;
        using var stop = new CancellationTokenSource(end + TimeSpan.FromSeconds(30));

        var sampler = Task.Run(async () =>
        {
            while (clock.Elapsed < end)
            {
                if (pid > 0)
                    memory.Add((clock.Elapsed.TotalSeconds, ProcessMemory.ResidentBytes(pid)));
                await Task.Delay(1000);
            }
        });
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var next = client;
            while (clock.Elapsed < end && Interlocked.Increment(ref sent) <= maxRequests)
            {
                using var form = new MultipartFormDataContent { { new ByteArrayContent(images[next++ % images.Count]), "images", "image" } };
                var started = clock.Elapsed;
                int status;
                try
                {
                    using var response = await http.PostAsync("/v1/studies", form, stop.Token);
                    await response.Content.ReadAsByteArrayAsync(stop.Token);
                    status = (int)response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                if (started < measuring)
                    continue;
                lock (latencies)
                {
                    latencies.Add((clock.Elapsed - started).TotalMilliseconds);
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }
            }
        })).ToArray();
        Task.WaitAll([.. workers, sampler]);
        var measured = Math.Min(clock.Elapsed.TotalSeconds, warmup + seconds) - warmup;

        latencies.Sort();
        var errors = statuses.Where(s => s.Key != (int)HttpStatusCode.OK).Sum(s => s.Value);
        Write(output, "requests", latencies.Count);
        Write(output, "errors", errors);
        Write(output, "throughput_per_s", statuses.GetValueOrDefault(200) / measured);
        Write(output, "p50_ms", Percentile(latencies, 0.50));
        Write(output, "p99_ms", Percentile(latencies, 0.99));
        if (memory.Count > 0)
        {
            var afterWarmup = memory.First(m => m.Second >= warmup).Bytes;
            Write(output, "rss_after_warmup_mib", afterWarmup / 1048576.0);
            Write(output, "rss_end_mib", memory[^1].Bytes / 1048576.0);
            Write(output, "rss_max_mib", memory.Max(m => m.Bytes) / 1048576.0);
        }
        if (errors > 0)
            output.WriteLine($"# statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}");
        return 0;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static void Write(TextWriter output, string variant, double value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant} {value:0.###}"));
}
