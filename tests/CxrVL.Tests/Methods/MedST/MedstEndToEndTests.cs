using System.Text.Json;
using CxrVL.Data.Manifest;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Methods.MedST;

/// <summary>
/// MedST through the command line on real shared images: pretrain a tiny model on frontal/lateral study sequences, then
/// run the MS-CXR-T evaluations on CSVs in MS-CXR-T's exact layout over a MIMIC-CXR-JPG-style tree built from the same
/// images. The progression labels and sentence pairs are made up: this checks the code path, not the model.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class MedstEndToEndTests : IDisposable
{
    private static readonly string[] Findings = ["consolidation", "edema", "pleural_effusion", "pneumonia", "pneumothorax"];
    private static readonly string[] Progressions = ["improving", "stable", "worsening"];
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-medst-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void PretrainOnSequencesThenEvaluateOnMsCxrTLayout()
    {
        // 3 patients x 4 studies; every other study also has a lateral image.
        var images = Directory.GetFiles(Path.Combine(DataRoots.Dataset("covid-chestxray"), "images"), "*.jpg").Order(StringComparer.Ordinal).Take(14).ToArray();
        var rows = new List<ManifestRow>();
        for (var s = 0; s < 12; s++)
        {
            var (subject, study) = ($"1000003{s / 4}", $"5000000{s:00}");
            var folder = $"files/p10/p{subject}/s{study}";
            Directory.CreateDirectory(Path.Combine(_root, folder));
            File.Copy(images[s], Path.Combine(_root, folder, $"d{s}.jpg"));
            var studyImages = new List<ManifestImage> { new() { Path = $"{folder}/d{s}.jpg", Present = true, ImageId = $"d{s}", View = "PA" } };
            if (s % 2 == 0)
            {
                File.Copy(images[12 + s % 4 / 2], Path.Combine(_root, folder, $"l{s}.jpg"));
                studyImages.Add(new() { Path = $"{folder}/l{s}.jpg", Present = true, ImageId = $"l{s}", View = "LATERAL" });
            }
            rows.Add(new ManifestRow
            {
                Dataset = "mimic-cxr", SubjectId = subject, StudyId = study, Split = "train", Order = s % 4, Images = studyImages,
                Report = new ManifestReport(Findings: $"Study {s % 4} of the patient. {(s % 3 == 0 ? "Worsening right lower lobe opacity." : "Lungs are clear, no effusion.")}"),
            });
        }
        var manifest = Path.Combine(_root, "pretrain.jsonl");
        ManifestWriter.WriteAll(manifest, rows);
        new ManifestInfo { Dataset = "mimic-cxr", Root = _root }.WriteFor(manifest);

        var run = Path.Combine(_root, "run");
        var pretrain = CliRunner.Run("pretrain", "--method", "medst", "--data", manifest, "--config", "pretrain/medst-small", "--out", run,
            "--set", "data.report_sections=[findings]", "--set", "data.val_split=", "--set", "train.max_steps=2", "--set", "train.batch_size=2",
            "--set", "train.log_every=1", "--set", "model.text.max_length=24");
        Assert.True(pretrain.Code == 0, pretrain.Error + pretrain.Output);
        var steps = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Where(l => l.TryGetProperty("loss_temporal", out _)).ToList();
        Assert.Equal(2, steps.Count);
        // The run records MedST's caption cleaning, so the evaluations below read text as the model was trained on.
        Assert.Contains("cleaner: mgca", File.ReadAllText(Path.Combine(run, "config.yaml")));
        // Two sequences per batch, every sequence complete: the temporal term is active.
        Assert.All(steps, l => Assert.True(l.GetProperty("loss_temporal").GetDouble() > 0));

        // MS-CXR-T: each later study against the patient's previous one, progressions made up.
        var annotations = Path.Combine(_root, "ms-cxr-t");
        Directory.CreateDirectory(annotations);
        var pairs = new List<string> { "dicom_id,previous_dicom_id,study_id,previous_study_id,subject_id," + string.Join(',', Findings.Select(f => $"{f}_progression")) };
        for (var s = 0; s < 12; s++)
        {
            if (s % 4 == 0)
                continue;
            var labels = Findings.Select((_, f) => f == 4 && s % 2 == 0 ? "" : Progressions[(s + f) % 3]);
            pairs.Add($"d{s},d{s - 1},5000000{s:00},5000000{s - 1:00},1000003{s / 4},{string.Join(',', labels)}");
        }
        File.WriteAllLines(Path.Combine(annotations, "MS_CXR_T_temporal_image_classification_v1.0.0.csv"), pairs);
        File.WriteAllLines(Path.Combine(annotations, "MS_CXR_T_temporal_sentence_similarity_v1.0.0.csv"),
        [
            "study_id,sentence_1,sentence_2,category,subset_name",
            "1,Pleural effusion has increased.,The pleural effusion is larger.,paraphrase,RadGraph",
            "2,Pleural effusion has increased.,The pleural effusion is smaller.,contradiction,RadGraph",
            "3,Edema has resolved.,No longer any edema.,paraphrase,RadGraph",
            "4,Edema has resolved.,Edema has worsened.,contradiction,RadGraph",
            "5,Consolidation is unchanged.,Stable consolidation.,paraphrase,RadGraph",
            "6,Consolidation is unchanged.,Consolidation has progressed.,contradiction,RadGraph",
            "7,The pneumothorax is smaller.,Decreased pneumothorax.,paraphrase,Other",
        ]);
        var msManifest = Path.Combine(_root, "ms-cxr-t.jsonl");
        var build = CliRunner.Run("data", "build", "ms-cxr-t", "--root", _root, "--annotations", annotations, "--out", msManifest);
        Assert.True(build.Code == 0, build.Error);

        var classification = CliRunner.Run("medst", "temporal-cls", "--checkpoint", run, "--data", msManifest, "--folds", "2", "3", "--seeds", "1", "2");
        Assert.True(classification.Code == 0, classification.Error);
        var metrics = JsonDocument.Parse(classification.Output[classification.Output.IndexOf('{')..]).RootElement;
        Assert.Equal(9, metrics.GetProperty("image_pairs").GetInt32());
        var effusion = metrics.GetProperty("pleural_effusion");
        Assert.Equal(9, effusion.GetProperty("rows").GetInt32());
        Assert.Equal(2, effusion.GetProperty("accuracy_3fold").GetProperty("per_seed").GetArrayLength());
        Assert.Equal(6, metrics.GetProperty("pneumothorax").GetProperty("rows").GetInt32());
        Assert.InRange(metrics.GetProperty("average_accuracy_2fold").GetDouble(), 0, 1);

        var similarity = CliRunner.Run("medst", "sentence-similarity", "--checkpoint", run, "--data", msManifest, "--subset", "RadGraph", "--folds", "3");
        Assert.True(similarity.Code == 0, similarity.Error);
        var scores = JsonDocument.Parse(similarity.Output[similarity.Output.IndexOf('{')..]).RootElement;
        Assert.Equal(6, scores.GetProperty("pairs").GetInt32());
        Assert.Equal(3, scores.GetProperty("thresholds").GetArrayLength());
        // The AUROC is scikit-learn's roc_auc_score of the RadGraph pairs' cosine similarities, embedded here through the
        // library from the sentences as written above (paraphrase, contradiction, ... in turn).
        string[][] radGraph =
        [
            ["Pleural effusion has increased.", "The pleural effusion is larger."], ["Pleural effusion has increased.", "The pleural effusion is smaller."],
            ["Edema has resolved.", "No longer any edema."], ["Edema has resolved.", "Edema has worsened."],
            ["Consolidation is unchanged.", "Stable consolidation."], ["Consolidation is unchanged.", "Consolidation has progressed."],
        ];
        double[] cosines;
        using (var model = CxrVL.Tasks.Pretraining.PretrainedModel.Load(run, TorchSharp.torch.CPU))
        {
            using var first = model.EmbedTexts(radGraph.Select(p => p[0]).ToList(), TorchSharp.torch.CPU);
            using var second = model.EmbedTexts(radGraph.Select(p => p[1]).ToList(), TorchSharp.torch.CPU);
            cosines = (first * second).sum(1).to(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray();
        }
        var scoresFile = Path.Combine(_root, "cosines.json");
        File.WriteAllText(scoresFile, JsonSerializer.Serialize(cosines));
        var sklearn = PythonReference.RunCode(
            "import sys, json; from sklearn.metrics import roc_auc_score; " +
            "print(repr(roc_auc_score([1, 0, 1, 0, 1, 0], json.load(open(sys.argv[1])))))", scoresFile);
        Assert.Equal(double.Parse(sklearn, System.Globalization.CultureInfo.InvariantCulture), scores.GetProperty("auroc").GetDouble(), 12);
        // MedST's released sent_proc changes nothing for one-fragment sentences after the run's mgca cleaning.
        var released = CliRunner.Run("medst", "sentence-similarity", "--checkpoint", run, "--data", msManifest, "--subset", "RadGraph", "--folds", "3",
                                     "--sentence-cleaner", "medst-sent-proc");
        Assert.True(released.Code == 0, released.Error);
        Assert.Equal(scores.GetProperty("auroc").GetDouble(),
                     JsonDocument.Parse(released.Output[released.Output.IndexOf('{')..]).RootElement.GetProperty("auroc").GetDouble());
    }
}
