using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Evaluation.Classification;

namespace CxrVL.Tests.Evaluation.Classification;

/// <summary>Our classification metrics against sklearn.metrics (Debian's python3-sklearn) on random data with many ties.</summary>
public sealed class SklearnParityTests : IDisposable
{
    private const double Tolerance = 1e-12;
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-sklearn-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record BinaryCase(double[] Scores, bool[] Truth, bool[] Predicted);

    private sealed record MultiClassCase(int[] Truth, int[] Predicted, double[,] Scores);

    /// <summary>Scores on a coarse grid (so ties are frequent), labels loosely related to them.</summary>
    private static BinaryCase RandomBinary(Random random, int n, int levels, double prevalence)
    {
        var scores = new double[n];
        var truth = new bool[n];
        for (var i = 0; i < n; i++)
        {
            truth[i] = random.NextDouble() < prevalence;
            var level = random.Next(levels) + (truth[i] ? random.Next(levels / 2 + 1) : 0);
            scores[i] = level / (double)levels - 0.25;
        }
        var predicted = scores.Select(s => s >= 0.4).ToArray();
        return new BinaryCase(scores, truth, predicted);
    }

    private static MultiClassCase RandomMultiClass(Random random, int n, int classes)
    {
        var truth = new int[n];
        var predicted = new int[n];
        var scores = new double[n, classes];
        for (var i = 0; i < n; i++)
        {
            // Class classes-1 never occurs in the truth, so macro averages must follow sklearn's label set.
            truth[i] = random.Next(classes - 1);
            predicted[i] = random.NextDouble() < 0.6 ? truth[i] : random.Next(classes);
            for (var c = 0; c < classes; c++)
                scores[i, c] = random.Next(6) / 5.0 + (c == truth[i] ? 0.2 : 0);
        }
        return new MultiClassCase(truth, predicted, scores);
    }

    [Fact]
    public void BinaryAndMultiClassMetricsMatchSklearn()
    {
        var random = new Random(20261122);
        var binary = new[]
        {
            RandomBinary(random, 500, 10, 0.3),
            RandomBinary(random, 2000, 40, 0.1),
            RandomBinary(random, 60, 3, 0.5),
            RandomBinary(random, 5000, 1000, 0.02),
        };
        var multiClass = new[] { RandomMultiClass(random, 400, 4), RandomMultiClass(random, 1500, 6) };

        var input = new JsonObject
        {
            ["binary"] = new JsonArray(binary.Select(c => (JsonNode)new JsonObject
            {
                ["scores"] = ToJson(c.Scores),
                ["truth"] = ToJson(c.Truth.Select(t => t ? 1 : 0)),
                ["predicted"] = ToJson(c.Predicted.Select(t => t ? 1 : 0)),
            }).ToArray()),
            ["multiclass"] = new JsonArray(multiClass.Select(c => (JsonNode)new JsonObject
            {
                ["truth"] = ToJson(c.Truth),
                ["predicted"] = ToJson(c.Predicted),
                ["scores"] = new JsonArray(Enumerable.Range(0, c.Truth.Length)
                    .Select(i => (JsonNode)ToJson(Enumerable.Range(0, c.Scores.GetLength(1)).Select(k => c.Scores[i, k]))).ToArray()),
            }).ToArray()),
        };
        var path = Path.Combine(_directory, "cases.json");
        File.WriteAllText(path, input.ToJsonString());
        using var reference = JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Evaluation/reference/sklearn_metrics.py"), path));

        var expectedBinary = reference.RootElement.GetProperty("binary").EnumerateArray().ToArray();
        for (var k = 0; k < binary.Length; k++)
        {
            var (c, e) = (binary[k], expectedBinary[k]);
            var counts = BinaryCounts.Of(c.Truth, c.Predicted);
            Assert.Equal(e.GetProperty("roc_auc").GetDouble(), RankingMetrics.Auroc(c.Scores, c.Truth), Tolerance);
            Assert.Equal(e.GetProperty("average_precision").GetDouble(), RankingMetrics.AveragePrecision(c.Scores, c.Truth), Tolerance);
            Assert.Equal(e.GetProperty("f1").GetDouble(), counts.F1, Tolerance);
            Assert.Equal(e.GetProperty("precision").GetDouble(), counts.Precision, Tolerance);
            Assert.Equal(e.GetProperty("recall").GetDouble(), counts.Recall, Tolerance);
            Assert.Equal(e.GetProperty("accuracy").GetDouble(), counts.Accuracy, Tolerance);
            var matrix = ConfusionMatrix.Of(c.Truth.Select(t => t ? 1 : 0).ToArray(), c.Predicted.Select(t => t ? 1 : 0).ToArray(), 2);
            Assert.Equal(e.GetProperty("kappa").GetDouble(), matrix.CohenKappa, Tolerance);

            var pr = RankingMetrics.PrecisionRecallCurve(c.Scores, c.Truth);
            AssertSequence(e.GetProperty("pr_precision"), pr.Precision);
            AssertSequence(e.GetProperty("pr_recall"), pr.Recall);
            var roc = RankingMetrics.RocCurve(c.Scores, c.Truth);
            AssertSequence(e.GetProperty("roc_fpr"), roc.FalsePositiveRate);
            AssertSequence(e.GetProperty("roc_tpr"), roc.TruePositiveRate);
        }

        var expectedMultiClass = reference.RootElement.GetProperty("multiclass").EnumerateArray().ToArray();
        for (var k = 0; k < multiClass.Length; k++)
        {
            var (c, e) = (multiClass[k], expectedMultiClass[k]);
            var classes = c.Scores.GetLength(1);
            var matrix = ConfusionMatrix.Of(c.Truth, c.Predicted, classes);
            Assert.Equal(e.GetProperty("f1_macro").GetDouble(), matrix.MacroF1, Tolerance);
            Assert.Equal(e.GetProperty("f1_micro").GetDouble(), matrix.MicroF1, Tolerance);
            Assert.Equal(e.GetProperty("precision_macro").GetDouble(), matrix.MacroPrecision, Tolerance);
            Assert.Equal(e.GetProperty("recall_macro").GetDouble(), matrix.MacroRecall, Tolerance);
            Assert.Equal(e.GetProperty("accuracy").GetDouble(), matrix.Accuracy, Tolerance);
            Assert.Equal(e.GetProperty("kappa").GetDouble(), matrix.CohenKappa, Tolerance);
            var confusion = e.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            for (var t = 0; t < classes; t++)
            for (var p = 0; p < classes; p++)
                Assert.Equal(confusion[t][p], matrix[t, p]);

            var (perClass, macro) = MultiClassMetrics.OneVsRestAuroc(c.Scores, c.Truth);
            var expectedOvr = e.GetProperty("ovr_auroc").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray();
            for (var cl = 0; cl < classes - 1; cl++)
                Assert.Equal(expectedOvr[cl], perClass[cl], Tolerance);
            Assert.True(double.IsNaN(perClass[classes - 1]), "a class absent from the truth has no AUROC");
            Assert.Equal(expectedOvr[..^1].Average(), macro, Tolerance);
        }
    }

    private static void AssertSequence(JsonElement expected, double[] actual)
    {
        var values = expected.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(values.Length, actual.Length);
        for (var i = 0; i < values.Length; i++)
            Assert.Equal(values[i], actual[i], Tolerance);
    }

    private static JsonArray ToJson<T>(IEnumerable<T> values) => new(values.Select(v => JsonValue.Create(v)).ToArray<JsonNode?>());
}
