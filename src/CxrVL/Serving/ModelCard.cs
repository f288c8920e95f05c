using System.Globalization;
using System.Text;
using System.Text.Json;
using CxrVL.Data.Manifest;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Serving;

/// <summary>
/// <c>MODEL_CARD.md</c> in a run folder, written when the model is served or exported: intended use, the training data
/// and its licence (from the run's command and manifest), the metrics with 95% intervals that evaluations wrote into
/// the run folder, and the known limitations. Numbers come only from files of the run; what is missing says so.
/// </summary>
public static class ModelCard
{
    public const string FileName = "MODEL_CARD.md";

    /// <summary>What each dataset's publisher allows, as the data README and the publishers state it.</summary>
    private static readonly Dictionary<string, string> DatasetTerms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["covid-chestxray"] = "ieee8023 COVID-19 chest X-ray collection: per-image licences (CC BY-NC-SA 4.0, CC BY 3.0/4.0, CC BY-NC-ND, some unstated); non-commercial research use with attribution",
        ["mimic-cxr"] = "MIMIC-CXR / MIMIC-CXR-JPG: PhysioNet credentialed access under its data-use agreement; no redistribution",
        ["chexpert"] = "CheXpert: Stanford AIMI research use agreement; no redistribution",
        ["iu-xray"] = "IU X-ray (Open-i): CC BY-NC-ND 4.0",
        ["nih"] = "NIH ChestX-ray14: NIH Clinical Center, free use with citation of Wang et al. (CVPR 2017)",
    };

    public static string Write(StudyAnalyzer analyzer, ServeOptions options)
    {
        var (config, weights, runDirectory) = PretrainedModel.LoadRecipe(options.Checkpoint);
        var served = analyzer.Describe();
        var usage = $"served by `cxrvl serve` ({served.Engine} engine), {served.Labels.Count} zero-shot labels from `{analyzer.Provenance.ZeroShotRecipe}`" +
                    (served.ReportModel is null ? "" : $", reports by a {served.ReportModel} model (sha256 {analyzer.Provenance.ReportModelSha256})");
        return Write(runDirectory, config, weights, analyzer.Provenance.CheckpointSha256, usage);
    }

    /// <summary>The card of a model exported by <c>cxrvl export onnx</c>.</summary>
    public static string Write(PretrainedModel model, string exportedTo, string part)
    {
        var (config, weights, runDirectory) = PretrainedModel.LoadRecipe(model.Weights ?? throw new CxrVLException("an untrained model has no run folder for a model card."));
        return Write(runDirectory, config, weights, FileHash.Sha256(weights), $"its {part} encoder exported by `cxrvl export onnx` to `{exportedTo}`");
    }

    /// <summary>Writes the card into <paramref name="runDirectory"/> and returns its path.</summary>
    /// <param name="usage">How the model is deployed (served, exported), one sentence.</param>
    public static string Write(string runDirectory, PretrainConfig config, string weights, string sha256, string usage)
    {
        string[] model =
        [
            $"- method: `{config.Method}`; image encoder `{config.Model.Image.Backbone}` at {config.Model.Image.ImageSize} px (recipe `{config.Data.ImageRecipe}`); " +
            $"text encoder BERT ({config.Model.Text.Layers} layers, hidden {config.Model.Text.Hidden}, pooling {config.Model.Text.Pooling.ToString().ToLowerInvariant()})",
            $"- initial weights: image `{config.Model.Image.Init ?? "random"}`, text `{config.Model.Text.Init ?? "random"}`",
        ];
        return Write(runDirectory, config.Method, model, weights, sha256, usage);
    }

    /// <summary>The card of a report generator exported by <c>cxrvl export onnx --part rrg</c>, in its rrg run folder.</summary>
    public static string Write(ReportGenerator generator, string exportedTo)
    {
        var config = generator.Config;
        var model = config.Model;
        string[] lines =
        [
            $"- method: `{config.Method}` (report generation); visual extractor `{model.VisualExtractor}` " +
            $"({(model.VisualExtractorFrozen ? "frozen at" : "trained from")} `{model.VisualExtractorInit ?? "random"}`), image recipe `{config.Data.ImageRecipe}`, {generator.Views} view(s) per study",
            $"- transformer: {model.NumLayers} encoder and decoder layers, d_model {model.DModel}, {model.NumHeads} heads; word vocabulary of {generator.Vocabulary.VocabularySize} ids",
        ];
        return Write(generator.RunDirectory, config.Method, lines, generator.Weights, FileHash.Sha256(generator.Weights),
                     $"its report generator exported by `cxrvl export onnx --part rrg` to `{exportedTo}`");
    }

    private static string Write(string runDirectory, string method, IReadOnlyList<string> model, string weights, string sha256, string usage)
    {
        var card = new StringBuilder();
        card.AppendLine($"# Model card: {method} ({Path.GetFileName(runDirectory)})").AppendLine();
        card.AppendLine("## Intended use").AppendLine();
        card.AppendLine("Research on chest X-ray vision-language models: zero-shot scoring, retrieval and report drafting to be compared with other models. " +
                        "**Not for diagnosis or any clinical decision.** Scores are cosine similarities between an image and label prompts, not calibrated probabilities; " +
                        "a generated report is a draft of what the training reports said about similar images.").AppendLine();
        card.AppendLine($"Deployment: {usage}.").AppendLine();
        card.AppendLine("## Model").AppendLine();
        foreach (var line in model)
            card.AppendLine(line);
        card.AppendLine($"- checkpoint: `{Path.GetRelativePath(runDirectory, weights)}`, sha256 `{sha256}`").AppendLine();
        card.AppendLine("## Training data").AppendLine();
        card.AppendLine(TrainingData(runDirectory)).AppendLine();
        card.AppendLine("## Evaluation").AppendLine();
        card.AppendLine(Evaluation(runDirectory)).AppendLine();
        card.AppendLine("## Known limitations").AppendLine();
        card.AppendLine("- Trained on the data above only: a hospital's scanners, views, populations and report style outside it are unmeasured.");
        card.AppendLine("- Zero-shot labels are only as good as their prompts; labels absent from the training reports score near chance.");
        card.AppendLine("- DICOM: the first frame of single-frame files in little-endian transfer syntaxes (native, JPEG, JPEG 2000 where OpenCV decodes it); " +
                        "no modality LUT or windowing; MONOCHROME1 inverted; multi-frame files and big-endian or deflated syntaxes are refused.");
        card.AppendLine("- Saliency maps are gradients of one similarity: they show where the score is sensitive, not where a finding is.");
        var path = Path.Combine(runDirectory, FileName);
        AtomicFile.WriteAllText(path, card.ToString());
        return path;
    }

    private static string TrainingData(string runDirectory)
    {
        var commandFile = Path.Combine(runDirectory, "command.txt");
        if (!File.Exists(commandFile))
            return "Not recorded: the run folder has no command.txt, so the manifest it was trained on is unknown.";
        var words = File.ReadAllText(commandFile).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('\'')).ToList();
        var dataIndex = words.IndexOf("--data");
        if (dataIndex < 0 || dataIndex + 1 >= words.Count)
            return $"The run's command (`{File.ReadAllText(commandFile).Trim()}`) names no --data manifest.";
        var manifest = words[dataIndex + 1];
        var text = $"Manifest `{manifest}` (command: `{File.ReadAllText(commandFile).Trim()}`).";
        if (!File.Exists(ManifestInfo.PathFor(manifest)))
            return text + " Its .info.json is not at that path from here, so the dataset and its licence are not stated.";
        var info = ManifestInfo.ReadFor(manifest);
        var terms = DatasetTerms.TryGetValue(info.Dataset, out var known) ? known : "see the dataset publisher's terms";
        return text + $" Dataset `{info.Dataset}`, {info.Counts?.GetValueOrDefault("rows").ToString(CultureInfo.InvariantCulture) ?? "?"} rows. Licence: {terms}.";
    }

    /// <summary>Every metric with a 95% interval in the metrics.json files under the run folder (zeroshot, retrieve, rrg test outputs).</summary>
    private static string Evaluation(string runDirectory)
    {
        var lines = new List<string>();
        foreach (var file in Directory.EnumerateFiles(runDirectory, "metrics.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                continue;
            var source = Path.GetRelativePath(runDirectory, file);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!property.Name.EndsWith("_ci95", StringComparison.Ordinal) || Bounds(property.Value) is not { } interval)
                    continue;
                var name = property.Name[..^5];
                if (!document.RootElement.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
                    continue;
                lines.Add($"| {source} | {name} | {Format(value.GetDouble())} | [{Format(interval.Lower)}, {Format(interval.Upper)}] |");
            }
            // rrg test and nearest write {"metrics": {"BLEU_4": {"value": v, "lower": l, "upper": u}, ...}}.
            if (document.RootElement.TryGetProperty("metrics", out var nested) && nested.ValueKind == JsonValueKind.Object)
            {
                foreach (var metric in nested.EnumerateObject())
                {
                    if (metric.Value.ValueKind == JsonValueKind.Object && metric.Value.TryGetProperty("value", out var value) &&
                        value.ValueKind == JsonValueKind.Number && Bounds(metric.Value) is { } interval)
                        lines.Add($"| {source} | {metric.Name} | {Format(value.GetDouble())} | [{Format(interval.Lower)}, {Format(interval.Upper)}] |");
                }
            }
        }
        if (lines.Count == 0)
            return "No evaluation with 95% intervals was found in the run folder. Write one there, e.g. " +
                   "`cxrvl zeroshot --checkpoint RUN --data M.jsonl --classes zeroshot/covid-finding --out RUN/eval-zeroshot`, and serve or export again.";
        return "| file | metric | value | 95% interval |\n|---|---|---|---|\n" + string.Join('\n', lines);
    }

    /// <summary>An interval as the evaluations write it: <c>[lower, upper]</c> or an object with <c>Lower</c> and <c>Upper</c>.</summary>
    private static (double Lower, double Upper)? Bounds(JsonElement interval)
    {
        if (interval.ValueKind == JsonValueKind.Array && interval.GetArrayLength() == 2 && interval.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))
            return (interval[0].GetDouble(), interval[1].GetDouble());
        if (interval.ValueKind != JsonValueKind.Object)
            return null;
        var bounds = interval.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.Name.ToLowerInvariant(), p => p.Value.GetDouble());
        return bounds.TryGetValue("lower", out var lower) && bounds.TryGetValue("upper", out var upper) ? (lower, upper) : null;
    }

    private static string Format(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
