using System.Text.Json;
using CxrVL.Evaluation.Classification;
using CxrVL.Methods.MedST.Temporal;

namespace CxrVL.Tests.Evaluation.Classification;

/// <summary>
/// LinearKernelSvc, StratifiedFolds and the k-fold accuracy against scikit-learn's SVC(kernel='linear'),
/// StratifiedKFold and cross_val_score (Debian's python3-sklearn), on separable, near-separable and overlapping
/// classes, balanced and imbalanced, with several C.
/// </summary>
public sealed class LinearKernelSvcTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-svc-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Gaussian-ish features whose mean moves with the class by <paramref name="separation"/>; labels drawn with the given class shares.</summary>
    private static (List<double[]> X, List<int> Y) Data(int seed, int n, double[] shares, int dims, double separation)
    {
        var random = new Random(seed);
        var x = new List<double[]>();
        var y = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var draw = random.NextDouble();
            var label = 0;
            for (var cumulative = shares[0]; label < shares.Length - 1 && draw > cumulative; cumulative += shares[++label])
            {
            }
            x.Add(Enumerable.Range(0, dims).Select(d => random.NextDouble() + random.NextDouble() - 1 + (d % shares.Length == label ? separation : 0)).ToArray());
            y.Add(label * 2 + 1);
        }
        return (x, y);
    }

    private JsonElement Reference(List<double[]> x, List<int> y, List<double[]> test, int folds, double c)
    {
        var input = Path.Combine(_directory, $"case-{Guid.NewGuid():N}.json");
        File.WriteAllText(input, JsonSerializer.Serialize(new { x, y, test, folds, c }));
        return JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Evaluation/reference/svc_linear.py"), input)).RootElement;
    }

    [Theory]
    [InlineData(1, new[] { 0.5, 0.5 }, 3.0, 1.0)]
    [InlineData(2, new[] { 0.7, 0.3 }, 0.6, 1.0)]
    [InlineData(3, new[] { 0.5, 0.35, 0.15 }, 1.2, 1.0)]
    [InlineData(4, new[] { 0.6, 0.3, 0.1 }, 0.3, 1.0)]
    [InlineData(5, new[] { 0.4, 0.4, 0.2 }, 0.8, 10.0)]
    [InlineData(6, new[] { 0.3, 0.3, 0.2, 0.2 }, 0.7, 0.1)]
    public void MatchesScikitLearnSvcWithALinearKernel(int seed, double[] shares, double separation, double c)
    {
        var (x, y) = Data(seed, 90, shares, 8, separation);
        var (test, _) = Data(100 + seed, 40, shares, 8, separation);

        var reference = Reference(x, y, test, 5, c);
        var svc = LinearKernelSvc.Fit(x, y, c);
        var decision = svc.Decision(test);

        // scikit-learn turns the sign of a two-class SVC's decision (positive then means the larger class).
        var sign = shares.Length == 2 ? -1 : 1;
        var expected = reference.GetProperty("decision").EnumerateArray().Select(r => r.EnumerateArray().Select(v => sign * v.GetDouble()).ToArray()).ToArray();
        Assert.Equal(expected[0].Length, decision.GetLength(1));
        for (var i = 0; i < test.Count; i++)
            for (var k = 0; k < expected[i].Length; k++)
                Assert.True(Math.Abs(expected[i][k] - decision[i, k]) < 1e-6, $"test sample {i}, pair {k}: sklearn {expected[i][k]}, CxrVL {decision[i, k]}");
        Assert.Equal(reference.GetProperty("predict").EnumerateArray().Select(v => v.GetInt32()), svc.Predict(test));
        Assert.Equal(reference.GetProperty("folds").EnumerateArray().Select(v => v.GetInt32()), StratifiedFolds.Assign(y, 5));
        Assert.Equal(reference.GetProperty("cv_scores").EnumerateArray().Average(v => v.GetDouble()),
            TemporalImageClassification.CrossValidatedAccuracy(x, y, 5, c), 4);
    }

    [Fact]
    public void ATiedVoteGoesToTheSmallestClassAsLibsvmDecides()
    {
        // Three classes in the plane: the three pairwise boundaries enclose a small region where each class gets one
        // vote; a fine grid over the data puts test points inside it.
        var (x, y) = Data(7, 60, [1 / 3.0, 1 / 3.0, 1 / 3.0], 2, 0.5);
        var test = Enumerable.Range(0, 61 * 61).Select(i => new[] { -1.5 + 0.05 * (i / 61), -1.5 + 0.05 * (i % 61) }).ToList();

        var reference = Reference(x, y, test, 3, 1.0);

        Assert.True(reference.GetProperty("tied_votes").GetInt32() > 0, "the case no longer produces a tied vote");
        Assert.Equal(reference.GetProperty("predict").EnumerateArray().Select(v => v.GetInt32()), LinearKernelSvc.Fit(x, y).Predict(test));
    }

    [Fact]
    public void UnevenClassesFillTheirFoldsAsScikitLearnDoes()
    {
        int[] y = [2, 0, 0, 1, 0, 2, 0, 0, 1, 0, 2];
        var x = y.Select((label, i) => new[] { label + 0.1 * i, i % 3 - 1.0 }).ToList();

        var reference = Reference(x, y.ToList(), x, 3, 1.0);

        Assert.Equal(reference.GetProperty("folds").EnumerateArray().Select(v => v.GetInt32()), StratifiedFolds.Assign(y, 3));
    }

    [Fact]
    public void NonFiniteFeaturesAreAnErrorNamingTheSample()
    {
        var error = Assert.Throws<CxrVLException>(() => LinearKernelSvc.Fit([[0.0, 1.0], [1.0, double.NaN]], [0, 1]));
        Assert.Contains("sample 1", error.Message);
    }
}
