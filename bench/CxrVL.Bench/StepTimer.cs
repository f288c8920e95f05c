using System.Diagnostics;

namespace CxrVL.Bench;

/// <summary>The protocol of the throughput benchmarks and their Python references: untimed warm-up steps, then the mean rate over timed steps.</summary>
internal static class StepTimer
{
    public static double ImagesPerSecond(int warmup, int iterations, int batch, Action step)
    {
        for (var i = 0; i < warmup; i++)
            step();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
            step();
        return batch * iterations / watch.Elapsed.TotalSeconds;
    }
}
