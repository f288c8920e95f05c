using CxrVL.Bench;

IBenchmark[] benchmarks = [new ResNet50Benchmark(), new DualEncoderBenchmark(), new CheckpointBenchmark(), new LoaderBenchmark(), new ImagingLibrariesBenchmark(), new MetricsBenchmark(), new TokenizerBenchmark(), new MaeBenchmark(), new GuardBenchmark(), new ServeLoadBenchmark(), new ManifestReadBenchmark(), new PrecisionAccuracyBenchmark()];

var selected = args.Length == 0 ? null : benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (selected is null)
{
    Console.Error.WriteLine("usage: CxrVL.Bench NAME [options]; benchmarks:");
    foreach (var benchmark in benchmarks)
        Console.Error.WriteLine($"  {benchmark.Name,-12} {benchmark.Description}");
    return 2;
}
return selected.Run(args[1..], Console.Out);
