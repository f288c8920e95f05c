using CxrVL;
using CxrVL.Bench;

// One file per benchmark; add a new one to this list.
IBenchmark[] benchmarks = [new LoaderBenchmark(), new ImagingLibrariesBenchmark()];

if (args.Length == 0 || benchmarks.All(b => b.Name != args[0]))
{
    Console.Error.WriteLine("usage: CxrVL.Bench NAME [options]; benchmarks:");
    foreach (var b in benchmarks)
        Console.Error.WriteLine($"  {b.Name,-12} {b.Description}");
    return 2;
}
try
{
    return benchmarks.Single(b => b.Name == args[0]).Run(args[1..]);
}
catch (CxrVLException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
