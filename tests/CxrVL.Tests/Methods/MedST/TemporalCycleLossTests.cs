using System.Text.Json;
using CxrVL.Methods.MedST;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.MedST;

public sealed class TemporalCycleLossTests
{
    /// <summary>The loss of one direction written with plain loops over doubles, step by step as the MedST paper defines it.</summary>
    private static double ScalarReference(double[][] u, double[][] v, double temperature = 0.1, double lambda = 0.001, double delta = 2)
    {
        var length = u.Length;
        double Similarity(double[] a, double[] b) => -Math.Max(0, a.Zip(b, (x, y) => (x - y) * (x - y)).Sum()) / temperature;
        double[] Softmax(double[] logits)
        {
            var max = logits.Max();
            var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
            return exp.Select(e => e / exp.Sum()).ToArray();
        }

        var classification = 0.0;
        var regression = 0.0;
        for (var i = 0; i < length; i++)
        {
            var forward = Enumerable.Range(0, length).Select(j => Similarity(u[i], v[j])).ToArray();
            var alpha = Softmax(forward);
            classification += -Math.Log(alpha[i]);
            var neighbour = Enumerable.Range(0, u[i].Length).Select(d => Enumerable.Range(0, length).Sum(j => alpha[j] * v[j][d])).ToArray();
            var beta = Softmax(Enumerable.Range(0, length).Select(k => Similarity(neighbour, u[k])).ToArray());
            var times = Enumerable.Range(0, length).Select(t => t / (length + 1e-7)).ToArray();
            var mu = Enumerable.Range(0, length).Sum(t => beta[t] * times[t]);
            var variance = Enumerable.Range(0, length).Sum(t => beta[t] * (times[t] - mu) * (times[t] - mu));
            var logVariance = Math.Log(variance + 1e-7);
            var error = times[i] - mu;
            regression += Math.Abs(error) < delta
                ? Math.Exp(-logVariance) * error * error + lambda * logVariance
                : delta * (Math.Abs(error) - 0.5 * delta);
        }
        return classification / length + regression / length;
    }

    [Fact]
    public void MatchesTheStepByStepDefinitionOnAFourStudySequence()
    {
        double[][] images = [[0.1, 0.25], [0.5, 0.6], [0.8, 0.9], [1.5, 1.9]];
        double[][] reports = [[0.12, 0.2], [0.55, 0.65], [0.85, 0.95], [1.5, 1.9]];
        var u = tensor(images.SelectMany(r => r).ToArray(), [4, 2]);
        var v = tensor(reports.SelectMany(r => r).ToArray(), [4, 2]);

        var both = TemporalCycleLoss.Compute(u, v).item<double>();
        var oneWay = TemporalCycleLoss.OneDirection(u.unsqueeze(0), v.unsqueeze(0)).item<double>();

        Assert.Equal(ScalarReference(images, reports), oneWay, 10);
        Assert.Equal(ScalarReference(images, reports) + ScalarReference(reports, images), both, 10);
    }

    [Fact]
    public void LargeTimeErrorsUseTheLinearHuberBranch()
    {
        // With delta below every possible time error, each study contributes delta (|error| - delta / 2).
        double[][] images = [[0, 0], [1, 0], [2, 0], [3, 0]];
        double[][] reports = [[3, 0], [2, 0], [1, 0], [0, 0]];
        var u = tensor(images.SelectMany(r => r).ToArray(), [1, 4, 2]);
        var v = tensor(reports.SelectMany(r => r).ToArray(), [1, 4, 2]);

        var loss = TemporalCycleLoss.OneDirection(u, v, huberDelta: 1e-4).item<double>();

        Assert.Equal(ScalarReference(images, reports, delta: 1e-4), loss, 10);
    }

    [Fact]
    public void SequencesShorterThanTheChunkGiveZeroWithZeroGradients()
    {
        var images = randn(3, 8, dtype: float64).requires_grad_();
        var reports = randn(3, 8, dtype: float64).requires_grad_();

        var loss = TemporalCycleLoss.Compute(images, reports);
        loss.backward();

        Assert.Equal(0.0, loss.item<double>());
        Assert.Equal(0.0, images.grad!.abs().sum().item<double>());
        Assert.Equal(0.0, reports.grad!.abs().sum().item<double>());
    }

    [Fact]
    public void OnlyCompleteChunksContributeAndGradientsReachBothModalities()
    {
        var images = randn(9, 8, dtype: float64).requires_grad_();
        var reports = randn(9, 8, dtype: float64).requires_grad_();

        var nine = TemporalCycleLoss.Compute(images, reports);
        var eight = TemporalCycleLoss.Compute(images[..8], reports[..8]);
        nine.backward();

        Assert.Equal(eight.item<double>(), nine.item<double>(), 12);
        Assert.Equal(0.0, images.grad![8].abs().sum().item<double>());
        Assert.True(images.grad![..8].abs().sum().item<double>() > 0);
        Assert.True(reports.grad![..8].abs().sum().item<double>() > 0);
    }

    [Fact]
    public void MatchesMedstsFormulaInTorchOverSeveralSequences()
    {
        // Three sequences of four studies, 8-d embeddings on the unit sphere as MedST's are.
        var random = new Random(9);
        double[][][] Sequences() => Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 4).Select(_ =>
        {
            var x = Enumerable.Range(0, 8).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var norm = Math.Sqrt(x.Sum(e => e * e));
            return x.Select(e => e / norm).ToArray();
        }).ToArray()).ToArray();
        var (images, reports) = (Sequences(), Sequences());
        var input = Path.Combine(Directory.CreateTempSubdirectory("cxrvl-tcc-").FullName, "case.json");
        File.WriteAllText(input, JsonSerializer.Serialize(new { u = images, v = reports }));

        var reference = JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Methods/MedST/reference/medst_tcc.py"), input)).RootElement;
        Directory.Delete(Path.GetDirectoryName(input)!, recursive: true);
        var u = tensor(images.SelectMany(s => s).SelectMany(r => r).ToArray(), [12, 8], float64);
        var v = tensor(reports.SelectMany(s => s).SelectMany(r => r).ToArray(), [12, 8], float64);

        Assert.Equal(reference.GetProperty("one_direction").GetDouble(), TemporalCycleLoss.OneDirection(u.reshape(3, 4, 8), v.reshape(3, 4, 8)).item<double>(), 10);
        Assert.Equal(reference.GetProperty("both").GetDouble(), TemporalCycleLoss.Compute(u, v).item<double>(), 10);
    }
}
