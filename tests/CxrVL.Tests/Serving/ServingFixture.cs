using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Configuration;
using CxrVL.Files;
using CxrVL.Serving;
using CxrVL.Tests.Cli;
using CxrVL.Tests.Export;
using CxrVL.Tests.Imaging;
using OpenCvSharp;

namespace CxrVL.Tests.Serving;

/// <summary>
/// What the service tests share, made once: the COVID-19 manifest, a small clip run built in-process, a one-step R2Gen
/// report model trained through the CLI, the clip run's encoders and the report model exported to ONNX, a manifest of the files the tests
/// upload (four real test radiographs, the shared SIIM DICOM, a 16-bit MONOCHROME1 DICOM and the same pixels as a
/// 16-bit PNG) with <c>cxrvl zeroshot</c>'s scores for each, and the service running on each engine.
/// </summary>
public sealed class ServingFixture : IDisposable
{
    public const string PatientName = "Doe^Jane^Serving";

    public ServingFixture()
    {
        Root = Directory.CreateTempSubdirectory("cxrvl-serve-").FullName;
        Manifest = Path.Combine(Root, "covid.jsonl");
        var build = CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", Manifest);
        Assert.True(build.Code == 0, build.Error);
        Run = TinyPretrainRun.Write(Path.Combine(Root, "clip"));
        RrgRun = Path.Combine(Root, "r2gen");
        var rrg = CliRunner.Run("rrg", "train", "--method", "r2gen", "--data", Manifest, "--out", RrgRun, "--config", "rrg/small", "--config", "rrg/covid-notes",
            "--set", "model.num_layers=1", "--set", "model.d_model=32", "--set", "model.d_ff=32", "--set", "model.rm_d_model=32",
            "--set", "decoding.max_length=8", "--set", "train.batch_size=4", "--set", "train.max_steps=1", "--set", "train.val_every=0");
        Assert.True(rrg.Code == 0, rrg.Error + rrg.Output);
        foreach (var part in new[] { "image", "text" })
        {
            var export = CliRunner.Run("export", "onnx", "--checkpoint", Run, "--part", part, "--out", Path.Combine(Run, "onnx", $"{part}.onnx"));
            Assert.True(export.Code == 0, export.Error);
        }
        var exportRrg = CliRunner.Run("export", "onnx", "--checkpoint", RrgRun, "--part", "rrg", "--out", Path.Combine(RrgRun, "onnx", "rrg.onnx"));
        Assert.True(exportRrg.Code == 0, exportRrg.Error);
        WriteUploads();
        ReferenceScores = ZeroShotCliScores();

        var options = new ServeOptions
        {
            Checkpoint = Run,
            ReportCheckpoint = RrgRun,
            ClassesRecipe = RecipeLocator.Resolve("zeroshot/covid-finding"),
            ReportsManifest = Manifest,
            Limits = new ServingLimits { MaxConcurrent = 1, QueueLength = 1, MaxRequestBytes = 4 << 20 },
        };
        Torch = RunningService.Start(options);
        Onnx = RunningService.Start(options with { Engine = ServingEngine.Onnx, ReportsManifest = null });
    }

    public string Root { get; }

    public string Manifest { get; }

    public string Run { get; }

    public string RrgRun { get; }

    /// <summary>The files the tests upload, by study id in the evaluation manifest.</summary>
    public Dictionary<string, string> Uploads { get; } = new(StringComparer.Ordinal);

    /// <summary><c>cxrvl zeroshot --classes zeroshot/covid-finding</c>'s scores of every upload: the reference for the service.</summary>
    public IReadOnlyDictionary<string, double[]> ReferenceScores { get; }

    public IReadOnlyList<string> Classes { get; } = ["COVID-19", "other pneumonia", "no finding"];

    public RunningService Torch { get; }

    public RunningService Onnx { get; }

    public void Dispose()
    {
        Torch.Dispose();
        Onnx.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>Real test-split radiographs, the SIIM DICOM, and one real image as a 16-bit MONOCHROME1 DICOM and as a 16-bit PNG.</summary>
    private void WriteUploads()
    {
        var rows = File.ReadLines(Manifest).Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(row => (string?)row["split"] == "test" && row["labels"]!.AsObject().Any(l => l.Key is "COVID-19" or "No Finding"))
            .Take(4).ToList();
        var covidRoot = DataRoots.Dataset("covid-chestxray");
        foreach (var row in rows)
            Uploads[(string)row["study_id"]!] = Path.Combine(covidRoot, (string)row["images"]![0]!["path"]!);
        Uploads["siim-dicom"] = TestImages.Dicom;

        using var gray = Cv2.ImRead(TestImages.Jpeg, ImreadModes.Grayscale);
        var (width, height) = (gray.Cols, gray.Rows);
        // 257 x v fills 16 bits exactly (65535 = 257 x 255), so both files hold the same image at full 16-bit range.
        var values = new ushort[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                values[y * width + x] = (ushort)(257 * gray.At<byte>(y, x));
        var inverted = values.Select(v => (ushort)(ushort.MaxValue - v)).ToArray();
        var dicom = Path.Combine(Root, "monochrome1-16bit.dcm");
        File.WriteAllBytes(dicom, SyntheticDicom.Create(inverted, width, height, "MONOCHROME1", PatientName));
        var png = Path.Combine(Root, "monochrome2-16bit.png");
        TestImages.WriteGrayPng(png, width, height, 16, (x, y) => values[y * width + x]);
        Uploads["monochrome1-16bit"] = dicom;
        Uploads["png-16bit"] = png;

        // zeroshot scores only rows in exactly one class; the class does not change a row's scores.
        bool NoFinding(string studyId) => rows.FirstOrDefault(r => (string?)r["study_id"] == studyId)?["labels"]!.AsObject().ContainsKey("No Finding") == true;
        var evaluation = Path.Combine(Root, "uploads.jsonl");
        var lines = Uploads.Select(upload => new JsonObject
        {
            ["dataset"] = "uploads",
            ["subject_id"] = upload.Key,
            ["study_id"] = upload.Key,
            ["split"] = "test",
            ["images"] = new JsonArray(new JsonObject { ["path"] = upload.Value, ["present"] = true, ["view"] = "PA" }),
            ["labels"] = new JsonObject { [NoFinding(upload.Key) ? "No Finding" : "COVID-19"] = 1 },
        }.ToJsonString());
        File.WriteAllLines(evaluation, lines);
        File.WriteAllText(evaluation + ".info.json", JsonSerializer.Serialize(new { dataset = "uploads", root = Root }));
    }

    private Dictionary<string, double[]> ZeroShotCliScores()
    {
        var output = Path.Combine(Root, "zeroshot");
        var result = CliRunner.Run("zeroshot", "--checkpoint", Run, "--data", Path.Combine(Root, "uploads.jsonl"), "--classes", "zeroshot/covid-finding",
                                   "--set", "bootstrap=0", "--out", output);
        Assert.True(result.Code == 0, result.Error + result.Output);
        var lines = File.ReadAllLines(Path.Combine(output, "scores.csv"));
        Assert.Equal("id,truth,COVID-19,other pneumonia,no finding", lines[0]);
        return lines.Skip(1).Select(line => line.Split(','))
            .ToDictionary(cells => cells[0], cells => cells.Skip(2).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray());
    }
}
