using System.Diagnostics;
using System.Globalization;
using CxrVL.Evaluation.Classification;

namespace CxrVL.Bench;

/// <summary>
/// Classification metrics speed: AUROC and average precision over 100k and 1M scores with ties, and a
/// 14-label bootstrap on 22,432 images (the NIH test list's size). Data come from an integer hash that
/// <c>bench/reference/metrics.py</c> reproduces, so both sides print the same values. Prints
/// <c>name seconds</c> and <c>name.value value</c> lines. Option: <c>--resamples N</c> (default 200).
/// </summary>
internal sealed class MetricsBenchmark : IBenchmark
{
    public string Name => "metrics";

    public string Description => "AUROC / AP over 100k and 1M scores, 14-label bootstrap on 22,432 images, seconds";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var resamples = 200;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--resamples")
                resamples = int.Parse(arguments[++i], CultureInfo.InvariantCulture);
            else
            {
                Console.Error.WriteLine($"unknown option {arguments[i]}");
                return 2;
            }
        }
        output.WriteLine($"# cxrvl .NET {Environment.Version}");
        foreach (var n in new[] { 100_000, 1_000_000 })
        {
            var (scores, truth) = Data(n, seed: 1);
            Report(output, $"auroc_{n}", () => RankingMetrics.Auroc(scores, truth));
            Report(output, $"ap_{n}", () => RankingMetrics.AveragePrecision(scores, truth));
        }

        const int images = 22_432, labels = 14;
        var scoreMatrix = new double[images, labels];
        var labelMatrix = new double[images, labels];
        for (var l = 0; l < labels; l++)
        {
            var (scores, truth) = Data(images, seed: l + 2);
            for (var i = 0; i < images; i++)
                (scoreMatrix[i, l], labelMatrix[i, l]) = (scores[i], truth[i] ? 1 : 0);
        }
        Report(output, $"bootstrap_{labels}x{images}x{resamples}", () =>
            MultiLabelEvaluator.Evaluate(Enumerable.Range(0, labels).Select(l => $"L{l}").ToArray(), scoreMatrix, labelMatrix,
                new MultiLabelOptions { BootstrapResamples = resamples }).MacroAuroc, repeats: 1);
        return 0;
    }

    /// <summary>Scores on 10,007 levels (ties every ~10 samples at 100k), positives ~30% and shifted up.</summary>
    private static (double[] Scores, bool[] Truth) Data(int n, int seed)
    {
        var scores = new double[n];
        var truth = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var h = Hash((ulong)i, (ulong)seed);
            truth[i] = h % 1000 < 300;
            scores[i] = (h / 1000 % 10007 + (truth[i] ? 2000UL : 0)) / 12007.0;
        }
        return (scores, truth);
    }

    /// <summary>splitmix64 of (seed * 2^32 + i).</summary>
    private static ulong Hash(ulong i, ulong seed)
    {
        var z = unchecked((seed << 32) + i + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>The median time of <paramref name="repeats"/> runs (after one warm-up run when repeating).</summary>
    private static void Report(TextWriter output, string name, Func<double> run, int repeats = 5)
    {
        var value = repeats > 1 ? run() : 0;
        var seconds = new double[repeats];
        for (var r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            value = run();
            seconds[r] = watch.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {seconds[repeats / 2]:0.0000}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}.value {value:R}"));
    }
}
