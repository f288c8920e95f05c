using CxrVL.Evaluation.Classification;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Quickstart;

/// <summary>Scores of a linear probe on the test rows and its metrics.</summary>
public sealed record LinearProbeResult(double[,] Scores, int[] Truth, double[] Auroc, double MacroAuroc, double Accuracy, int TrainRows);

/// <summary>
/// A linear probe on frozen image features: multinomial logistic regression on features standardised with the
/// training rows' mean and deviation, classes weighted inversely to their frequency (scikit-learn's
/// <c>class_weight="balanced"</c>), trained full-batch with AdamW. AUROC comes from the predicted probabilities.
/// </summary>
public static class LinearProbe
{
    public static LinearProbeResult Fit(Tensor trainFeatures, int[] trainTruth, Tensor testFeatures, int[] testTruth, int classes,
                                        LinearProbeConfig config, int seed)
    {
        if (trainTruth.Length != trainFeatures.shape[0] || testTruth.Length != testFeatures.shape[0])
            throw new ArgumentException("one class per feature row is needed.");
        var present = trainTruth.Distinct().Count();
        if (present < 2)
            throw new CxrVLException($"the linear probe needs training rows of at least two classes (found {present}).");

        using var scope = NewDisposeScope();
        manual_seed(seed);
        var x = trainFeatures.to(float32);
        var mean = x.mean([0], keepdim: true);
        var std = x.std(0, keepdim: true).clamp_min(1e-6);
        var train = (x - mean) / std;
        var test = (testFeatures.to(float32) - mean) / std;
        var y = tensor(trainTruth.Select(c => (long)c).ToArray());
        var counts = Enumerable.Range(0, classes).Select(c => trainTruth.Count(t => t == c)).ToArray();
        var weights = tensor(counts.Select(n => n == 0 ? 0f : trainTruth.Length / (float)(present * n)).ToArray());

        var layer = nn.Linear(train.shape[1], classes);
        using var optimizer = optim.AdamW(layer.parameters(), config.Lr, weight_decay: config.WeightDecay);
        for (var step = 0; step < config.Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(layer.forward(train), y, weight: weights);
            loss.backward();
            optimizer.step();
        }

        Tensor probabilities;
        using (no_grad())
            probabilities = nn.functional.softmax(layer.forward(test), 1).to(float64).contiguous();
        var values = probabilities.data<double>().ToArray();
        var scores = new double[testTruth.Length, classes];
        Buffer.BlockCopy(values, 0, scores, 0, values.Length * sizeof(double));
        layer.Dispose();

        var (perClass, macro) = MultiClassMetrics.OneVsRestAuroc(scores, testTruth);
        var predicted = MultiClassMetrics.ArgMax(scores);
        var accuracy = testTruth.Length == 0 ? double.NaN : predicted.Where((p, i) => p == testTruth[i]).Count() / (double)testTruth.Length;
        return new LinearProbeResult(scores, testTruth, perClass, macro, accuracy, trainTruth.Length);
    }

    /// <summary>The rows of <paramref name="features"/> [N, F] whose class is known, as (features, classes).</summary>
    public static (Tensor Features, int[] Truth) Select(Tensor features, int[] classes)
    {
        var kept = Enumerable.Range(0, classes.Length).Where(i => classes[i] >= 0).Select(i => (long)i).ToArray();
        using var index = tensor(kept);
        return (features.index_select(0, index), kept.Select(i => classes[i]).ToArray());
    }
}
