using System.Text.Json;
using CxrVL.Evaluation.Classification;
using CxrVL.Tasks.Quickstart;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks.Quickstart;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class LinearProbeTests
{
    private static readonly string Reference = PythonReference.Script("Tasks/Quickstart/reference/logistic_probe.py");

    /// <summary>
    /// Classes shifted apart along a few of the features, with unequal class sizes (so the balanced weights matter) and,
    /// when <paramref name="features"/> exceeds <paramref name="samples"/>, more features than samples.
    /// </summary>
    private static (double[][] X, int[] Y) Draw(int samples, int features, int classes, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var y = Enumerable.Range(0, samples).Select(i => i % (classes + 1) == 0 ? 0 : i % classes).ToArray();
        var x = y.Select(label => Enumerable.Range(0, features)
            .Select(f => 3 * Gaussian() + (f < 3 && f == label ? 1.5 : 0) + 5).ToArray()).ToArray();
        return (x, y);
    }

    private static Tensor Tensor(double[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length], float64);

    private static JsonElement RunReference(double[][] x, int[] y, double[][] test, double c, LinearProbeConfig config)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, JsonSerializer.Serialize(new { x, y, test, c, c_values = config.CValues, folds = config.Folds }));
            return JsonDocument.Parse(PythonReference.Run(Reference, path)).RootElement;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertClose(JsonElement expected, double[,] actual, double tolerance)
    {
        var rows = expected.EnumerateArray().ToList();
        Assert.Equal(rows.Count, actual.GetLength(0));
        for (var i = 0; i < rows.Count; i++)
        {
            var columns = rows[i].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(columns.Length, actual.GetLength(1));
            for (var k = 0; k < columns.Length; k++)
                Assert.True(Math.Abs(columns[k] - actual[i, k]) <= tolerance, $"row {i} class {k}: scikit-learn {columns[k]:R}, CxrVL {actual[i, k]:R}");
        }
    }

    [Theory]
    [InlineData(60, 8, 2, 0.05)]
    [InlineData(30, 45, 2, 1.0)]
    [InlineData(72, 10, 3, 0.3)]
    [InlineData(24, 40, 3, 10.0)]
    public void LogisticRegressionEqualsScikitLearnsOptimum(int samples, int features, int classes, double c)
    {
        var (x, y) = Draw(samples, features, classes, seed: samples + features);
        var (test, _) = Draw(12, features, classes, seed: 7);

        using var model = LogisticRegression.Fit(Tensor(x), y, classes, c);
        var probabilities = model.Probabilities(Tensor(test));

        AssertClose(RunReference(x, y, test, c, new LinearProbeConfig()).GetProperty("fit"), probabilities, 1e-6);
    }

    [Theory]
    [InlineData(90, 12, 2)]
    [InlineData(40, 60, 2)]
    [InlineData(75, 9, 3)]
    public void ProbeChoosesScikitLearnsCrossValidatedCAndScoresAsItsPipeline(int samples, int features, int classes)
    {
        var (x, y) = Draw(samples, features, classes, seed: 3 * samples + features);
        var (test, testTruth) = Draw(30, features, classes, seed: 11);
        var config = new LinearProbeConfig { CValues = [1e-3, 1e-2, 0.1, 1, 10] };

        var result = LinearProbe.Fit(Tensor(x), y, Tensor(test), testTruth, classes, config);

        var reference = RunReference(x, y, test, 1.0, config);
        Assert.Equal(reference.GetProperty("chosen_c").GetDouble(), result.C);
        AssertClose(reference.GetProperty("probe"), result.Scores, 1e-6);
    }

    [Fact]
    public void SeparableClassesAreRankedPerfectly()
    {
        var (x, y) = Draw(60, 3, 3, seed: 1);
        var shifted = x.Select((row, i) => row.Select((v, f) => f == y[i] ? v + 40 : v).ToArray()).ToArray();
        var (test, testTruth) = Draw(30, 3, 3, seed: 2);
        var shiftedTest = test.Select((row, i) => row.Select((v, f) => f == testTruth[i] ? v + 40 : v).ToArray()).ToArray();

        var result = LinearProbe.Fit(Tensor(shifted), y, Tensor(shiftedTest), testTruth, 3, new LinearProbeConfig());

        Assert.Equal(1.0, result.MacroAuroc, 12);
        Assert.Equal(1.0, result.Accuracy, 12);
        Assert.Equal(60, result.TrainRows);
        for (var i = 0; i < testTruth.Length; i++)
            Assert.Equal(1.0, Enumerable.Range(0, 3).Sum(c => result.Scores[i, c]), 9);
    }

    [Fact]
    public void OneTrainingClassIsAnError()
    {
        using var features = zeros(4, 2);
        Assert.Throws<CxrVLException>(() => LinearProbe.Fit(features, [0, 0, 0, 0], features, [0, 1, 0, 1], 2, new LinearProbeConfig()));
    }

    [Fact]
    public void NonPositiveCIsAnErrorNamingTheKey()
    {
        using var features = randn(8, 2);
        var error = Assert.Throws<CxrVLException>(() =>
            LinearProbe.Fit(features, [0, 1, 0, 1, 0, 1, 0, 1], features, [0, 1, 0, 1, 0, 1, 0, 1], 2, new LinearProbeConfig { CValues = [1, 0] }));
        Assert.Contains("probe.c_values", error.Message);
    }
}
