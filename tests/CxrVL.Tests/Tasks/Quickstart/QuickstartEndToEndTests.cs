using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CxrVL.Runs;
using CxrVL.Tests.Cli;
using OpenCvSharp;

namespace CxrVL.Tests.Tasks.Quickstart;

/// <summary>
/// <c>cxrvl quickstart</c> on the real COVID-19 collection with tiny budgets (a few rows per split, two optimizer steps)
/// and its default starting point, the package weights (ImageNet ResNet-18, MiniLM-L6): the report is written,
/// self-contained, with the three models' columns; its numbers equal what the separate <c>cxrvl retrieve</c> command
/// measures on the same checkpoint and at random initialisation, every difference is pretrained minus the other with an interval, and
/// headless Chromium renders every section.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed partial class QuickstartEndToEndTests : IDisposable
{
    private static readonly string[] Sections = ["results", "run", "loss", "roc", "retrieval", "saliency", "downstream", "generation", "config"];

    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-quickstart-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TinyRunWritesASelfContainedReportWhoseNumbersTheCommandsReproduce()
    {
        var run = Path.Combine(_directory, "run");
        var result = CliRunner.Run("quickstart", "--out", run, "--minutes", "0.5", "--set", "max_rows=12", "--set", "bootstrap=20",
            "--set", "probe.c_values=[1]", "--set", "retrieval_examples=2", "--set", "visualisations=1", "--set", "pretrain.calibration_steps=2", "--set", "generated_test_rows=4", "--set", "segment.minutes=0", "--set", "detect.minutes=0",
            "--set", """pretrain.set=["data.report_sections=[full_text]", "train.batch_size=4", "train.log_every=1", "model.text.max_length=32"]""");
        Assert.True(result.Code == 0, result.Error + result.Output);
        Assert.Contains("mean recall", result.Output);

        // The timing run planned the steps; training kept to the plan and to its share of the budget.
        var planned = PlannedSteps().Match(File.ReadAllText(Path.Combine(run, "log.txt")));
        Assert.True(planned.Success, "no timing-run line in the log");
        var steps = MetricsLog.Read(Path.Combine(run, "pretrain", "metrics.jsonl")).Count(l => l.TryGetProperty("loss", out _));
        Assert.InRange(steps, 1, long.Parse(planned.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.False(Directory.Exists(Path.Combine(run, "pretrain-timing")));

        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        foreach (var section in Sections)
            Assert.Contains($"<h2 id=\"{section}\">", html);
        var sources = ImageSources().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.True(sources.Count >= 6, $"{sources.Count} images");
        Assert.All(sources, s => Assert.StartsWith("data:image/", s));
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("<th>generated</th><th>reference</th>", html);
        Assert.Contains("<th>random init</th><th>package weights</th><th>CxrVL pretrained</th>", html);
        Assert.Contains("<h2 id=\"data\">What this data can and cannot show</h2>", html);
        Assert.Contains("lung segmentation was skipped (segment.minutes is 0).", html);

        // Every row has the three models; each difference is pretrained minus the other, with an interval around it.
        var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "results.json"))).RootElement.EnumerateArray().ToList();
        Assert.Contains(results, r => r.GetProperty("task").GetString() == "report generation" && r.GetProperty("metric").GetString() == "BLEU-4");
        Assert.Contains(results, r => r.GetProperty("task").GetString() == "zero-shot: intubated vs not intubated");
        Assert.Contains(results, r => r.GetProperty("task").GetString() == "linear probe: PA vs AP");
        foreach (var row in results)
        {
            foreach (var (versus, other) in new[] { ("versus_random", "random"), ("versus_package", "package") })
            {
                if (row.GetProperty(versus).ValueKind == JsonValueKind.Null)
                    continue;
                var interval = row.GetProperty(versus);
                Assert.Equal(row.GetProperty("pretrained").GetDouble() - row.GetProperty(other).GetDouble(), interval.GetProperty("difference").GetDouble(), 12);
                Assert.InRange(interval.GetProperty("lower").GetDouble(), -1e9, interval.GetProperty("upper").GetDouble());
            }
        }

        // The report's retrieval numbers equal those of 'cxrvl retrieve' on the run's checkpoint, pretrained and at random initialisation.
        var manifest = Directory.GetFiles(Path.Combine(run, "data"), "*.first12.jsonl").Single();
        foreach (var (flag, column) in new[] { ("", "pretrained"), ("--untrained", "random") })
        {
            string[] args = ["retrieve", "--checkpoint", Path.Combine(run, "pretrain"), "--data", manifest, .. (flag.Length > 0 ? new[] { flag } : [])];
            var retrieve = CliRunner.Run(args);
            Assert.True(retrieve.Code == 0, retrieve.Error);
            var expected = JsonDocument.Parse(retrieve.Output[retrieve.Output.IndexOf('{')..]).RootElement;
            foreach (var (task, key) in new[] { ("image-to-text retrieval", "i2t_recall@"), ("text-to-image retrieval", "t2i_recall@") })
            {
                foreach (var k in new[] { 1, 5, 10 })
                {
                    var row = results.Single(r => r.GetProperty("task").GetString() == task && r.GetProperty("metric").GetString() == $"Recall@{k}");
                    Assert.Equal(expected.GetProperty(key + k).GetDouble(), row.GetProperty(column).GetDouble(), 12);
                }
            }
        }

        // Headless Chromium renders it from disk; the screenshot is not blank.
        var screenshot = Path.Combine(_directory, "report.png");
        var script = Path.Combine(RepositoryRoot(), "scripts", "report-screenshot");
        using (var process = Process.Start(new ProcessStartInfo("bash", [script, Path.Combine(run, "report.html"), screenshot, "1280", "4000"])
               { RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, error);
        }
        using var image = Cv2.ImRead(screenshot, ImreadModes.Grayscale);
        Assert.Equal(1280, image.Cols);
        using var inked = new Mat();
        Cv2.Threshold(image, inked, 240, 255, ThresholdTypes.BinaryInv);
        Assert.InRange(Cv2.CountNonZero(inked) / (double)(image.Rows * image.Cols), 0.05, 0.95);
    }

    [Fact]
    public void MissingDataSaysHowToGetThePublicSet()
    {
        var result = CliRunner.Run("quickstart", "--data-root", Path.Combine(_directory, "nothing"), "--out", Path.Combine(_directory, "run"));
        Assert.Equal(2, result.Code);
        Assert.Contains("cxrvl data get covid-chestxray", result.Error);
        Assert.Contains("--data-root", result.Error);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CxrVL.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root not found above the test assembly.");
    }

    [GeneratedRegex("planning ([0-9]+) steps")]
    private static partial Regex PlannedSteps();

    [GeneratedRegex("<img[^>]* src=\"([^\"]*)\"")]
    private static partial Regex ImageSources();
}
