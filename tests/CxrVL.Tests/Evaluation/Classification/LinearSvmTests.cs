using System.Text.Json;
using CxrVL.Evaluation.Classification;
using CxrVL.Methods.MedST.Temporal;

namespace CxrVL.Tests.Evaluation.Classification;

/// <summary>The linear SVM, stratified folds and k-fold accuracy against scikit-learn's LinearSVC, StratifiedKFold and cross_val_score.</summary>
public sealed class LinearSvmTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-svm-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (List<double[]> X, List<int> Y) Data(int seed, int n, int classes, int dims)
    {
        var random = new Random(seed);
        var x = new List<double[]>();
        var y = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var label = random.Next(classes);
            x.Add(Enumerable.Range(0, dims).Select(d => random.NextDouble() * 2 - 1 + (d % classes == label ? 0.8 : 0)).ToArray());
            y.Add(label);
        }
        return (x, y);
    }

    private JsonElement Reference(List<double[]> x, List<int> y, List<double[]> test, int folds)
    {
        var input = Path.Combine(_directory, $"case-{Guid.NewGuid():N}.json");
        File.WriteAllText(input, JsonSerializer.Serialize(new { x, y, test, folds }));
        return JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Evaluation/reference/linear_svc.py"), input)).RootElement;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void MatchesLinearSvcStratifiedKFoldAndCrossValScore(int classes)
    {
        var (x, y) = Data(classes, 60, classes, 6);
        var (test, _) = Data(10 + classes, 15, classes, 6);

        var reference = Reference(x, y, test, 5);
        var svm = LinearSvm.Fit(x, y);
        var decision = svm.Decision(test);

        var expected = reference.GetProperty("decision").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal(expected[0].Length, decision.GetLength(1));
        for (var i = 0; i < test.Count; i++)
            for (var k = 0; k < expected[i].Length; k++)
                Assert.Equal(expected[i][k], decision[i, k], 4);
        Assert.Equal(reference.GetProperty("predict").EnumerateArray().Select(v => v.GetInt32()), svm.Predict(test));
        Assert.Equal(reference.GetProperty("folds").EnumerateArray().Select(v => v.GetInt32()), StratifiedFolds.Assign(y, 5));
        Assert.Equal(reference.GetProperty("cv_mean").GetDouble(), TemporalImageClassification.CrossValidatedAccuracy(x, y, 5), 10);
    }

    [Fact]
    public void UnevenClassesFillTheirFoldsAsScikitLearnDoes()
    {
        int[] y = [2, 0, 0, 1, 0, 2, 0, 0, 1, 0, 2];
        var x = y.Select((label, i) => new[] { label + 0.1 * i, i % 3 - 1.0 }).ToList();

        var reference = Reference(x, y.ToList(), x, 3);

        Assert.Equal(reference.GetProperty("folds").EnumerateArray().Select(v => v.GetInt32()), StratifiedFolds.Assign(y, 3));
    }
}
