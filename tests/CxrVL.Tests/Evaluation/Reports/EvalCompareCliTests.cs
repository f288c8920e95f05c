using System.Text.Json;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Reports;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Evaluation.Reports;

public sealed class EvalCompareCliTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("cxrvl-compare-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void Compares_two_systems_and_writes_per_report_scores_and_labels()
    {
        var refs = Write("refs.json", """{"1": "The heart is normal in size. The lungs are clear.", "2": "Small left pleural effusion. Mild cardiomegaly.", "3": "No acute cardiopulmonary abnormality."}""");
        var a = Write("a.json", """{"1": "The heart is normal in size. The lungs are clear.", "2": "The heart is normal in size. The lungs are clear.", "3": "The heart is normal in size. The lungs are clear."}""");
        var b = Write("b.json", """{"1": "The lungs are clear. The lungs are clear.", "2": "Small left pleural effusion. Cardiomegaly.", "3": "No acute cardiopulmonary abnormality."}""");
        var output = Path.Combine(_work.FullName, "out");

        var (code, text, error) = CliRunner.Run("eval", "compare", "--refs", refs, "--preds", a, "--preds", b, "--out", output, "--bootstrap", "100", "--uncertain", "negative");

        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(ReportMetrics.Names, json.GetProperty("metrics").EnumerateObject().Select(p => p.Name));
        var f1 = json.GetProperty("metrics").GetProperty("CE_F1_MICRO");
        Assert.Equal(f1.GetProperty("B").GetDouble() - f1.GetProperty("A").GetDouble(), f1.GetProperty("difference").GetDouble(), 12);
        // Three differing reports: all 8 assignments enumerated.
        Assert.Equal(8, json.GetProperty("randomization").GetProperty("trials").GetInt64());
        Assert.Equal(0.5, json.GetProperty("metrics").GetProperty("REPEATED_SENTENCES").GetProperty("B").GetDouble() * 1.5, 12);
        Assert.Equal(1 / 3.0, json.GetProperty("diversity").GetProperty("A").GetProperty("distinct_reports").GetDouble(), 12);
        Assert.Equal("negative", json.GetProperty("uncertain").GetString());
        Assert.Equal("rules", json.GetProperty("labeler").GetString());
        Assert.Equal(ClinicalEfficacy.MainObservations, json.GetProperty("labels_5").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(File.ReadAllText(Path.Combine(output, "comparison.json")).Trim(), text.Trim());
        var rows = File.ReadAllLines(Path.Combine(output, "per_report.csv"));
        Assert.Equal(1 + 2 * 3, rows.Length);
        Assert.StartsWith("2,B,", rows[5]);
        Assert.Equal(3, LabelFiles.ReadLabels(Path.Combine(output, "labels_B.csv")).Count);

        // The same reports twice: no difference, p = 1 for every metric.
        (code, text, error) = CliRunner.Run("eval", "compare", "--refs", refs, "--preds", b, "--preds", b, "--bootstrap", "50");
        Assert.True(code == 0, error);
        Assert.All(JsonDocument.Parse(text).RootElement.GetProperty("metrics").EnumerateObject(), m => Assert.Equal(1, m.Value.GetProperty("p_value").GetDouble()));

        (code, _, error) = CliRunner.Run("eval", "compare", "--refs", refs, "--preds", b);
        Assert.Equal(2, code);
        Assert.Contains("exactly twice", error);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_work.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
