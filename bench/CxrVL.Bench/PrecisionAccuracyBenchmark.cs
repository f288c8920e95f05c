using System.Text.Json;
using CxrVL.Configuration;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Runtime;
using CxrVL.Tasks.Embedding;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Quickstart;
using CxrVL.Tasks.Retrieval;
using CxrVL.Tasks.ZeroShot;
using static TorchSharp.torch;

namespace CxrVL.Bench;

/// <summary>
/// The quickstart's evaluations (configs/quickstart.yaml: its zero-shot tasks, retrieval over the test image-note pairs
/// with Precision@5 by the first task's classes, the linear probe of its probe tasks) of several pretraining runs of
/// one recipe, for bench/run-precision-accuracy.sh: each run's value with its bootstrap percentile interval over the
/// test items, and each run's paired difference to the first run (the same draws score both). Prints one JSON object
/// per metric. Options: <c>--data MANIFEST</c>, <c>--runs FOLDER,FOLDER</c>, <c>--bootstrap N</c> (default 1000),
/// <c>--seed N</c> (default 0, the quickstart's).
/// </summary>
internal sealed class PrecisionAccuracyBenchmark : IBenchmark
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string Name => "precision-accuracy";

    public string Description => "quickstart evaluations of several pretraining runs with bootstrap intervals (JSON lines)";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = new BenchArguments(arguments);
        var manifest = options.String("data", "");
        var folders = options.String("runs", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (manifest.Length == 0 || folders.Length == 0)
            throw new ArgumentException("--data MANIFEST and --runs FOLDER[,FOLDER...] are needed");
        var (resamples, seed) = (options.Int("bootstrap", 1000), options.Int("seed", 0));
        TorchRuntime.Configure(new RuntimeOptions(seed));
        var quickstart = ConfigLoader.Load<QuickstartConfig>(RecipeLocator.Resolve("quickstart"));
        var zeroShot = quickstart.ZeroShot.Select(r => ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve(r), ["bootstrap=0"])).ToList();
        var probes = quickstart.Probe.Tasks.Select(r => ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve(r))).ToList();
        var data = ManifestData.Open(manifest);
        var testRows = Embedder.SelectRows(data, quickstart.EvalSplit);
        var trainRows = Embedder.SelectRows(data, ManifestSplits.Train);

        // Per metric: the items it is computed on and, per run, the metric as a function of the items' draw counts.
        var metrics = new List<(string Task, string Metric, int Items, List<Func<int[], double>> Runs)>();
        void Add(string task, string metric, int items, Func<int[], double> statistic)
        {
            var index = metrics.FindIndex(m => m.Task == task && m.Metric == metric);
            if (index < 0)
                metrics.Add((task, metric, items, [statistic]));
            else if (metrics[index].Items != items)
                throw new CxrVLException($"{task} {metric}: {items} items in {folders[metrics[index].Runs.Count]}, {metrics[index].Items} in {folders[0]}");
            else
                metrics[index].Runs.Add(statistic);
        }

        foreach (var folder in folders)
        {
            using var model = PretrainedModel.Load(folder, CPU);
            using var pairs = Embedder.Embed(model, testRows, data.Root, CPU);
            using var test = ImageFeatures.Compute(model, testRows, data.Root, CPU, null);
            using var train = ImageFeatures.Compute(model, trainRows, data.Root, CPU, null);
            // MRM learns no joint image-report space (no report embeddings): only its image features are probed.
            var joint = pairs.Texts.shape[1] > 0;
            foreach (var task in joint ? zeroShot : [])
            {
                var result = ZeroShotEvaluation.Evaluate(model, test.Embeddings, null, test.Rows, task, CPU, seed);
                Add($"zero-shot: {task.Name}", "AUROC", result.Truth.Length, ItemStatistics.Auroc(result.Scores, result.Truth));
            }
            if (joint)
                AddRetrieval(pairs, model, zeroShot[0], Add);
            foreach (var task in probes)
            {
                var (trainFeatures, trainTruth) = LinearProbe.Select(train.Pooled, ZeroShotEvaluation.ClassesOf(train.Rows, task));
                var (testFeatures, testTruth) = LinearProbe.Select(test.Pooled, ZeroShotEvaluation.ClassesOf(test.Rows, task));
                using (trainFeatures)
                using (testFeatures)
                {
                    var probe = LinearProbe.Fit(trainFeatures, trainTruth, testFeatures, testTruth, task.Classes.Count, quickstart.Probe);
                    Add($"linear probe: {task.Name}", "AUROC", probe.Truth.Length, ItemStatistics.Auroc(probe.Scores, probe.Truth));
                }
            }
        }

        var all = (Func<int, int[]>)(n => Enumerable.Repeat(1, n).ToArray());
        foreach (var (task, metric, items, runs) in metrics)
        {
            var line = new Dictionary<string, object?>
            {
                ["task"] = task,
                ["metric"] = metric,
                ["items"] = items,
                ["runs"] = folders,
                ["values"] = runs.Select(r => r(all(items))).ToArray(),
                ["intervals"] = runs.Select(r => Bootstrap.Interval(items, r, resamples, seed) is { } i ? new[] { i.Lower, i.Upper } : null).ToArray(),
                ["differences"] = runs.Skip(1).Select(r => PairedBootstrap.Difference(items, r, runs[0], resamples, seed) is { } d
                    ? new[] { d.Difference, d.Lower, d.Upper } : null).ToArray(),
            };
            output.WriteLine(JsonSerializer.Serialize(line, Json));
        }
        return 0;
    }

    /// <summary>Recall@1/5/10 both ways, their mean, and Precision@5 by <paramref name="task"/>'s classes over the test pairs.</summary>
    private static void AddRetrieval(PairEmbeddings pairs, PretrainedModel model, ZeroShotConfig task, Action<string, string, int, Func<int[], double>> add)
    {
        var texts = pairs.Rows.Select(r => r.Report?.Join(model.Config.Data.ReportSections) ?? "").ToList();
        var retrieval = RetrievalEvaluation.PerItem(pairs, texts, ZeroShotEvaluation.ClassesOf(pairs.Rows, task));
        foreach (var direction in new[] { "i2t", "t2i" })
            foreach (var k in new[] { 1, 5, 10 })
                add($"retrieval {direction}", $"Recall@{k}", texts.Count, ItemStatistics.Mean(retrieval.Hits(direction, k)));
        add("retrieval", "mean recall", texts.Count, ItemStatistics.Mean(retrieval.MeanRecall()));
        if (retrieval.PrecisionAt5 is { } precision)
        {
            var scored = precision.Where(p => !double.IsNaN(p)).ToArray();
            add("retrieval", $"Precision@5 by {task.Name}", scored.Length, ItemStatistics.Mean(scored));
        }
    }
}
