using System.Text.Json;

namespace CxrVL.Tests.Cli;

public sealed class EvalClsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-eval-cls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    // Label "Pleural Effusion, left" is quoted (a comma in the name); C has no negative; D is a score-only column.
    private const string Labels = "id,A,\"Pleural Effusion, left\",C\n1,1,0,\n2,0,1,1\n3,1,-1,1\n4,0.0,0,1.0\n5,1,1,1\n";
    private const string Scores = "id,\"Pleural Effusion, left\",A,C,D\n5,0.9,0.8,0.1,3\n4,0.2,0.3,0.4,1\n3,0.5,0.7,0.2,1\n2,0.6,0.3,0.9,1\n1,0.1,0.3,0.5,1\n";

    [Fact]
    public void PrintsPerLabelAndMacroMetricsAndWritesMetricsJson()
    {
        var labels = Write("labels.csv", Labels);
        var scores = Write("scores.csv", Scores);
        var outDirectory = Path.Combine(_directory, "out");
        var (code, output, error) = CliRunner.Run("eval", "cls", "--labels", labels, "--scores", scores, "--bootstrap", "200", "--seed", "4", "--out", outDirectory, "--plots");
        Assert.True(code == 0, error + output);

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var a = root.GetProperty("per_label").GetProperty("A");
        // A: positives {0.8, 0.7, 0.3} (ids 5, 3, 1), negatives {0.3, 0.3} (ids 2, 4):
        // 0.8 and 0.7 beat both (4), 0.3 ties both (1): U = 5 of 6 pairs.
        Assert.Equal(5.0 / 6, a.GetProperty("auroc").GetDouble(), 15);
        Assert.Equal((3, 2), (a.GetProperty("n_pos").GetInt32(), a.GetProperty("n_neg").GetInt32()));
        // The effusion label: id 3 is uncertain and left out; positives {0.9, 0.6} above negatives {0.2, 0.1}.
        var effusion = root.GetProperty("per_label").GetProperty("Pleural Effusion, left");
        Assert.Equal(1.0, effusion.GetProperty("auroc").GetDouble());
        Assert.Equal(1, effusion.GetProperty("n_uncertain").GetInt32());
        Assert.Equal((5.0 / 6 + 1) / 2, root.GetProperty("auroc_macro").GetDouble(), 15);
        Assert.Equal(["C"], root.GetProperty("labels_without_both_classes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("per_label").GetProperty("C").GetProperty("auroc").ValueKind);
        Assert.Equal(["D"], root.GetProperty("ignored_score_columns").EnumerateArray().Select(e => e.GetString()));
        var ci = a.GetProperty("auroc_ci").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(ci[0] <= 5.0 / 6 && 5.0 / 6 <= ci[1] && ci[1] <= 1, $"interval [{ci[0]}, {ci[1]}]");
        Assert.Equal(200, root.GetProperty("bootstrap").GetProperty("resamples").GetInt32());

        Assert.Equal(output.Trim(), File.ReadAllText(Path.Combine(outDirectory, "metrics.json")).Trim());
        Assert.True(File.Exists(Path.Combine(outDirectory, "roc_A.png")));
        Assert.True(File.Exists(Path.Combine(outDirectory, "pr_Pleural_Effusion__left.png")));
        Assert.False(File.Exists(Path.Combine(outDirectory, "roc_C.png")));

        // The same seed gives the same intervals.
        var (_, again, _) = CliRunner.Run("eval", "cls", "--labels", labels, "--scores", scores, "--bootstrap", "200", "--seed", "4");
        Assert.Equal(output, again);
    }

    [Fact]
    public void AnIdInOnlyOneFileIsAnErrorUnlessSkipped()
    {
        var labels = Write("labels.csv", Labels + "6,1,1,1\n");
        var scores = Write("scores.csv", Scores);
        var (code, _, error) = CliRunner.Run("eval", "cls", "--labels", labels, "--scores", scores);
        Assert.Equal(2, code);
        Assert.Contains("id '6' is in", error);
        Assert.Contains("--skip-bad", error);

        var (skippedCode, output, skippedError) = CliRunner.Run("eval", "cls", "--labels", labels, "--scores", scores, "--skip-bad");
        Assert.True(skippedCode == 0, skippedError);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(1, json.RootElement.GetProperty("skipped").GetProperty("ids_only_in_labels").GetInt32());
        Assert.Equal(5, json.RootElement.GetProperty("n_images").GetInt32());
    }

    [Fact]
    public void BadValuesAndMissingColumnsNameTheFileLineAndColumn()
    {
        var labels = Write("labels.csv", "id,A\n1,1\n2,2\n");
        var scores = Write("scores.csv", "id,A\n1,0.5\n2,0.1\n");
        var (code, _, error) = CliRunner.Run("eval", "cls", "--labels", labels, "--scores", scores);
        Assert.Equal(2, code);
        Assert.Contains("labels.csv line 3: column 'A' holds '2', not 1, 0, -1 or blank", error);

        var noColumn = Write("scores-b.csv", "id,B\n1,0.5\n2,0.1\n");
        var good = Write("labels-good.csv", "id,A\n1,1\n2,0\n");
        (code, _, error) = CliRunner.Run("eval", "cls", "--labels", good, "--scores", noColumn);
        Assert.Equal(2, code);
        Assert.Contains("has no column 'A'", error);

        var badScore = Write("scores-bad.csv", "id,A\n1,high\n2,0.1\n");
        (code, _, error) = CliRunner.Run("eval", "cls", "--labels", good, "--scores", badScore);
        Assert.Equal(2, code);
        Assert.Contains("scores-bad.csv line 2: column 'A' holds 'high', not a finite number", error);
    }
}
