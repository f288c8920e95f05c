using System.Diagnostics;
using System.Text.Json;
using CxrVL.Data.Manifest;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Bench;

/// <summary>
/// Opens a manifest as pretraining does (<see cref="ManifestData.Open"/>: info file, then every row in memory) and
/// keeps the training pairs (<see cref="PairFilter"/>, findings + impression): seconds for each (and the CPU seconds,
/// bytes allocated and garbage collections of the open: what a machine shared with other work still tells), rows, and the
/// process's peak resident memory (VmHWM) with every row still held.
/// </summary>
internal sealed class ManifestReadBenchmark : IBenchmark
{
    public string Name => "manifest-read";

    public string Description => "ManifestData.Open + the pretraining pair filter on --manifest FILE: seconds and peak RSS";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var path = new BenchArguments(arguments).String("manifest", "");
        if (path.Length == 0)
            throw new CxrVLException("manifest-read needs --manifest FILE (a manifest written by 'cxrvl data build').");
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var watch = Stopwatch.StartNew();
        var manifest = ManifestData.Open(path);
        var open = watch.Elapsed.TotalSeconds;
        process.Refresh();
        var openCpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var collections = string.Join('/', collectionsBefore.Select((before, generation) => GC.CollectionCount(generation) - before));
        watch.Restart();
        var pairs = PairFilter.Apply(manifest.Rows.Where(r => r.Split == ManifestSplits.Train), ["findings", "impression"]);
        var filter = watch.Elapsed.TotalSeconds;
        var peak = ProcessMemory.PeakResidentBytes();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"manifest-read: {manifest.Rows.Count:N0} rows in {open:F2} s ({openCpu:F2} s CPU, all threads; {allocated >> 20} MiB allocated, " +
                         $"gen0/1/2 collections {collections}), {pairs.Kept.Count:N0} training pairs kept in {filter:F2} s; " +
                         $"peak RSS {peak / (1 << 20)} MiB, managed heap with all rows {managed / (1 << 20)} MiB");
        output.WriteLine("RESULT " + JsonSerializer.Serialize(new
        {
            rows = manifest.Rows.Count,
            open_seconds = Math.Round(open, 3),
            open_cpu_seconds = Math.Round(openCpu, 3),
            pairs = pairs.Kept.Count,
            filter_seconds = Math.Round(filter, 3),
            peak_rss_mib = Math.Round(peak / 1048576.0, 1),
            managed_mib = Math.Round(managed / 1048576.0, 1),
            allocated_mib = Math.Round(allocated / 1048576.0, 1),
            collections,
        }));
        GC.KeepAlive(manifest);
        return 0;
    }
}
