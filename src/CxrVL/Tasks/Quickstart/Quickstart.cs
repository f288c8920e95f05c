using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CxrVL.Configuration;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Evaluation.Plots;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Retrieval;
using CxrVL.Tasks.ZeroShot;
using CxrVL.Text;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// <c>cxrvl quickstart</c> as one call: builds the manifest of the real data, pretrains the chosen method from the package
/// weights within its time budget, evaluates three models of the same architecture (<see cref="QuickstartArm"/>: random
/// initialisation, the package weights without CxrVL pretraining, CxrVL pretraining) on zero-shot classification,
/// retrieval, a linear probe, segmentation, detection and report generation, each difference with a paired bootstrap
/// interval, and writes <c>report.html</c> into the run folder. Every number in the report is measured in the run.
/// </summary>
public static class Quickstart
{
    private static readonly JsonSerializerOptions ResultsJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Shared data folder holding the tokenizer vocabulary the pretraining recipes name.</summary>
    private const string VocabularyFolder = "bio-clinicalbert";

    public static QuickstartResult Run(QuickstartConfig config, string? dataRoot, RunFolder run, RuntimeContext runtime,
                                       IReadOnlyList<string> command, CancellationToken cancellation = default)
    {
        var total = Stopwatch.StartNew();
        var log = run.Log;
        var phases = new List<PhaseTiming>();
        var unavailable = new List<UnavailablePart>();
        var root = ResolveDataRoot(dataRoot, config);
        run.WriteConfig(config, command);

        // 1. Data.
        var watch = Stopwatch.StartNew();
        var pretrainConfig = PretrainRecipe(config, root);
        var manifest = BuildManifest(config, root, pretrainConfig, run, runtime.Seed);
        var rows = ManifestReader.Read(manifest).ToList();
        var dataSummary = new List<string>
        {
            $"{config.Source}: {rows.Count} studies ({string.Join(", ", rows.GroupBy(r => r.Split ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}), " +
            $"{rows.Count(r => !string.IsNullOrWhiteSpace(r.Report?.Join(pretrainConfig.Data.ReportSections)))} with a note in {string.Join(", ", pretrainConfig.Data.ReportSections)}",
        };
        phases.Add(new PhaseTiming("data", watch.Elapsed.TotalSeconds, null, $"manifest {Path.GetFileName(manifest)}: {rows.Count} rows"));

        // 2. Pretraining.
        watch.Restart();
        var pretrainPath = run.File("pretrain");
        if (config.Pretrain.CalibrationSteps > 0)
            pretrainConfig.Train.MaxSteps = FittingSteps(config, root, manifest, run, runtime, watch);
        PretrainingResult pretraining;
        using (var pretrainRun = RunFolder.Create(config.Method, pretrainPath, console: log.Console))
        {
            pretrainRun.WriteConfig(pretrainConfig, ["cxrvl", "pretrain", "--method", config.Method, "--data", manifest, "--config", Path.Combine(pretrainPath, "config.yaml")]);
            log.Info($"pretraining {config.Method} for at most {config.Pretrain.Minutes:0.#} minutes");
            pretraining = Pretraining.Pretraining.Run(pretrainConfig, manifest, pretrainRun, runtime, cancellation: cancellation);
        }
        var lastLoss = LastValue(Path.Combine(pretrainPath, "metrics.jsonl"), "loss");
        var firstLoss = FirstValue(Path.Combine(pretrainPath, "metrics.jsonl"), "loss");
        phases.Add(new PhaseTiming("pretrain", watch.Elapsed.TotalSeconds, config.Pretrain.Minutes,
            string.Create(CultureInfo.InvariantCulture, $"{config.Method}: {pretraining.Training.Steps} steps ({pretraining.Training.StopReason}) on {pretraining.TrainPairs} pairs; loss {firstLoss:0.000} -> {lastLoss:0.000}")));
        dataSummary.Add($"pretraining: {pretraining.TrainPairs} training and {pretraining.ValPairs} validation image-note pairs");
        var lossCurves = new List<ReportFigure>();
        if (File.Exists(Path.Combine(pretrainPath, "loss.png")))
            lossCurves.Add(new ReportFigure($"{config.Method} pretraining loss", File.ReadAllBytes(Path.Combine(pretrainPath, "loss.png")),
                "Training loss and its terms per optimizer step (from pretrain/metrics.jsonl)."));

        // 3. Evaluation of the three models.
        watch.Restart();
        var evaluation = QuickstartEvaluation.Run(config, pretrainPath, manifest, run, runtime, dataSummary, unavailable);
        phases.Add(new PhaseTiming("evaluate", watch.Elapsed.TotalSeconds, null,
            "zero-shot, retrieval, linear probe and saliency for random initialisation, the package weights and CxrVL pretraining"));

        // 4. Downstream: lung segmentation and lung-box detection from each of the three image encoders.
        var results = new List<TaskComparison>(evaluation.Results);
        var downstreamFigures = new List<ReportFigure>();
        foreach (var (task, section, label, phase) in new[]
                 {
                     ("segment", QuickstartReport.Segmentation, "lung segmentation", config.Segment),
                     ("detect", QuickstartReport.Detection, "lung-box detection", config.Detect),
                 })
        {
            if (phase.Minutes <= 0)
            {
                unavailable.Add(new UnavailablePart(section, $"{label} was skipped ({task}.minutes is 0)."));
                continue;
            }
            watch.Restart();
            try
            {
                var outcome = QuickstartDownstream.Run(task, label, phase, pretrainConfig, pretrainPath, manifest, run, runtime, config.Bootstrap);
                results.AddRange(outcome.Results);
                downstreamFigures.AddRange(outcome.Figures);
                // A diverged encoder is a result of the run, not a failure of it: its row says so, the report and the console warn.
                foreach (var warning in outcome.Warnings)
                {
                    log.Info(warning);
                    unavailable.Add(new UnavailablePart(section, warning));
                }
                phases.Add(new PhaseTiming(task, watch.Elapsed.TotalSeconds, phase.Minutes, outcome.Summary));
            }
            catch (CxrVLException e)
            {
                // A later phase that fails leaves the others' results standing; the report says what failed.
                log.Info($"{label} failed: {e.Message}");
                unavailable.Add(new UnavailablePart(section, $"{label} failed: {e.Message}"));
                phases.Add(new PhaseTiming(task, watch.Elapsed.TotalSeconds, phase.Minutes, "failed: " + e.Message));
            }
        }

        // 5. Report generation.
        var generated = new List<GeneratedReport>();
        if (config.Generate.Minutes > 0)
        {
            watch.Restart();
            try
            {
                var generation = QuickstartGeneration.Run(config.Generate, config.GeneratedExamples, config.GeneratedTestRows, pretrainConfig, pretrainPath,
                                                          manifest, run, runtime, config.Bootstrap);
                results.AddRange(generation.Results);
                generated.AddRange(generation.Examples);
                lossCurves.AddRange(generation.LossCurves);
                phases.Add(new PhaseTiming("generate", watch.Elapsed.TotalSeconds, config.Generate.Minutes, generation.Summary));
            }
            catch (CxrVLException e)
            {
                // A later phase that fails leaves the others' results standing; the report says what failed.
                log.Info($"report generation failed: {e.Message}");
                unavailable.Add(new UnavailablePart(QuickstartReport.Generation, $"report generation failed: {e.Message}"));
                phases.Add(new PhaseTiming("generate", watch.Elapsed.TotalSeconds, config.Generate.Minutes, "failed: " + e.Message));
            }
        }
        else
        {
            unavailable.Add(new UnavailablePart(QuickstartReport.Generation, "report generation was skipped (generate.minutes is 0)."));
        }

        var result = new QuickstartResult
        {
            RunPath = run.Path,
            Method = config.Method,
            DataRoot = root,
            DataSummary = dataSummary,
            Phases = phases,
            FrozenImageStages = pretrainConfig.Model.Image.FrozenStages,
            ImageStages = ImageStageCount(pretrainConfig.Model.Image),
            Results = results,
            LossCurves = lossCurves,
            RocCurves = evaluation.RocCurves,
            RetrievalExamples = evaluation.RetrievalExamples,
            Visualisations = evaluation.Visualisations,
            DownstreamFigures = downstreamFigures,
            GeneratedReports = generated,
            Unavailable = unavailable,
            ConfigYaml = ConfigLoader.ToYaml(config),
            PretrainConfigYaml = ConfigLoader.ToYaml(pretrainConfig),
            Command = string.Join(' ', command),
            Environment = Describe(runtime),
            TotalSeconds = total.Elapsed.TotalSeconds,
            Bootstrap = config.Bootstrap,
        };
        QuickstartReport.Write(result);
        AtomicFile.WriteAllText(run.File("results.json"), JsonSerializer.Serialize(result.Results, ResultsJson) + System.Environment.NewLine);
        log.Info($"wrote {result.ReportPath} ({total.Elapsed.TotalMinutes:0.0} minutes)");
        return result;
    }

    /// <summary>The stages <c>model.image.frozen_stages</c> counts: a ResNet's four, a ViT's blocks.</summary>
    private static int ImageStageCount(Methods.Encoders.ImageEncoderConfig image) =>
        image.Backbone.StartsWith("vit", StringComparison.OrdinalIgnoreCase) ? Models.VisionTransformerConfig.Named(image.Backbone.ToLowerInvariant()).Depth : 4;

    /// <summary>
    /// The folder holding the datasets: <paramref name="dataRoot"/>, else the shared data beside the repository
    /// (<see cref="DataRoots"/>); an error saying how to get the public data when neither has the dataset.
    /// </summary>
    public static string ResolveDataRoot(string? dataRoot, QuickstartConfig config)
    {
        var root = dataRoot is not null ? Path.GetFullPath(dataRoot) : DataRoots.Resolve();
        if (root is not null && Directory.Exists(Path.Combine(root, config.Dataset)))
            return root;
        var where = root is null
            ? $"no data root was found (--data-root DIR, {DataRoots.EnvironmentVariable}, or shared/data beside the repository)"
            : $"'{Path.Combine(root, config.Dataset)}' does not exist";
        throw new CxrVLException(
            $"the quickstart needs the public {config.Dataset} collection, but {where}. Download it with " +
            $"'cxrvl data get {config.Dataset} --out DATA/{config.Dataset}' (offline: it says which archive to fetch, then --from FILE), " +
            "then run 'cxrvl quickstart --data-root DATA'.");
    }

    /// <summary>
    /// Optimizer steps that fit in what is left of the pretraining budget, from a short timing run of the same recipe
    /// (its first step, which allocates, is not timed).
    /// </summary>
    private static long FittingSteps(QuickstartConfig config, string root, string manifest, RunFolder run, RuntimeContext runtime, Stopwatch watch)
    {
        var steps = Math.Max(2, config.Pretrain.CalibrationSteps);
        var timing = PretrainRecipe(config, root, [$"train.max_steps={steps}", "train.log_every=1", "train.val_every=0", "data.val_split=''"]);
        timing.Train.Minutes = null;
        var folder = run.File("pretrain-timing");
        using (var timingRun = RunFolder.Create("timing", folder, console: TextWriter.Null))
            Pretraining.Pretraining.Run(timing, manifest, timingRun, runtime);
        var elapsed = MetricsLog.Read(Path.Combine(folder, "metrics.jsonl")).Where(l => l.TryGetProperty("elapsed_s", out _) && l.TryGetProperty("loss", out _))
            .Select(l => (Step: l.GetProperty("step").GetInt64(), Seconds: l.GetProperty("elapsed_s").GetDouble())).ToList();
        Directory.Delete(folder, recursive: true);
        var secondsPerStep = (elapsed[^1].Seconds - elapsed[0].Seconds) / Math.Max(1, elapsed[^1].Step - elapsed[0].Step);
        var remaining = Math.Max(0, config.Pretrain.Minutes * 60 - watch.Elapsed.TotalSeconds);
        // A little headroom: the final checkpoint and the loss plot come after the last step.
        var fitting = Math.Max(steps, (long)(remaining * 0.95 / secondsPerStep));
        run.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"timing run: {secondsPerStep:0.00} s per step; planning {fitting} steps for the remaining {remaining / 60:0.0} minutes"));
        return fitting;
    }

    /// <summary>The pretraining recipe: the method's own, the overlays, the notes' section, the overrides, and the time budget.</summary>
    public static PretrainConfig PretrainRecipe(QuickstartConfig config, string dataRoot, IReadOnlyList<string>? extraOverrides = null)
    {
        var method = config.Method.ToLowerInvariant();
        if (!PretrainingMethods.BuiltIn.Names.Contains(method, StringComparer.OrdinalIgnoreCase))
            throw new CxrVLException($"method '{config.Method}' is not available in this build (--method); available: {string.Join(", ", PretrainingMethods.BuiltIn.Names)}.");
        var recipes = new List<string> { $"pretrain/{method}" };
        recipes.AddRange(config.Pretrain.MethodRecipes.TryGetValue(method, out var own) ? own : config.Pretrain.Recipes);
        var overrides = new List<string>(config.Pretrain.Set)
        {
            string.Create(CultureInfo.InvariantCulture, $"train.minutes={config.Pretrain.Minutes:R}"),
        };
        overrides.AddRange(extraOverrides ?? []);
        var pretrain = PretrainRecipes.Load(recipes.Select(RecipeLocator.Resolve).ToList(), overrides, method);
        pretrain.Name = method;
        var tokenizer = pretrain.Model.Text.Tokenizer;
        if (!Path.IsPathRooted(tokenizer) && File.Exists(Path.Combine(dataRoot, tokenizer)))
            pretrain.Model.Text.Tokenizer = Path.Combine(dataRoot, tokenizer);
        return pretrain;
    }

    private static string BuildManifest(QuickstartConfig config, string dataRoot, PretrainConfig pretrain, RunFolder run, int seed)
    {
        var manifest = run.File(Path.Combine("data", config.Source + ".jsonl"));
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        var info = ManifestBuild.Run(DatasetBuilders.Get(config.Source), new BuildOptions { Root = Path.Combine(dataRoot, config.Dataset), Seed = seed },
                                     manifest, run.Log.Console);
        EnsureTokenizer(pretrain, manifest, run);
        if (config.MaxRows <= 0)
            return manifest;
        // A smoke run keeps the first rows of each split that can form a pair.
        var limited = run.File(Path.Combine("data", config.Source + $".first{config.MaxRows}.jsonl"));
        var kept = ManifestReader.Read(manifest)
            .Where(r => !string.IsNullOrWhiteSpace(r.Report?.Join(pretrain.Data.ReportSections)) && r.Images.Any(i => i.Present))
            .GroupBy(r => r.Split)
            .SelectMany(g => g.Take(config.MaxRows))
            .ToList();
        ManifestWriter.WriteAll(limited, kept);
        (info with { Counts = new Dictionary<string, long> { ["rows"] = kept.Count } }).WriteFor(limited);
        return limited;
    }

    /// <summary>
    /// Without the recipe's vocabulary (public data fetched with <c>cxrvl data get</c> has none), a WordPiece vocabulary
    /// is trained on the training notes and saved in the run.
    /// </summary>
    private static void EnsureTokenizer(PretrainConfig pretrain, string manifest, RunFolder run)
    {
        var tokenizer = pretrain.Model.Text.Tokenizer;
        if (File.Exists(tokenizer) || Directory.Exists(tokenizer) || (!Path.IsPathRooted(tokenizer) && DataRoots.Resolve() is { } shared
                                                                         && File.Exists(Path.Combine(shared, tokenizer))))
            return;
        var notes = ManifestReader.Read(manifest).Where(pretrain.Data.IsTrainRow)
            .Select(r => r.Report?.Join(pretrain.Data.ReportSections)).OfType<string>().Where(t => t.Length > 0).ToList();
        var trained = WordPieceTrainer.Train(notes, new WordPieceTrainerOptions { VocabularySize = 8000, SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] });
        var path = run.File("tokenizer.json");
        trained.Save(path);
        run.Log.Info($"no {tokenizer} under the data root ({VocabularyFolder} vocabulary): trained a WordPiece vocabulary of {trained.VocabularySize} tokens on {notes.Count} training notes ({path})");
        pretrain.Model.Text.Tokenizer = path;
    }

    private static double FirstValue(string metricsPath, string key) =>
        MetricsLog.Read(metricsPath).Where(l => l.TryGetProperty(key, out _)).Select(l => l.GetProperty(key).GetDouble()).DefaultIfEmpty(double.NaN).First();

    private static double LastValue(string metricsPath, string key) =>
        MetricsLog.Read(metricsPath).Where(l => l.TryGetProperty(key, out _)).Select(l => l.GetProperty(key).GetDouble()).DefaultIfEmpty(double.NaN).Last();

    private static string Describe(RuntimeContext runtime)
    {
        var report = EnvironmentReport.Collect();
        return $"CxrVL {report.CxrVLVersion}, TorchSharp {report.TorchSharpVersion}, libtorch {report.LibTorchVersion}, {report.DotNetVersion}; " +
               $"{report.CpuModel} ({report.LogicalCores} logical cores), {runtime.Threads} torch threads, device {runtime.Device}, seed {runtime.Seed}; {report.OperatingSystem}";
    }
}
