using CxrVL.Evaluation.Classification;
using CxrVL.Methods.MedST.Temporal;

namespace CxrVL.Tests.Methods.MedST.Temporal;

public sealed class TemporalSentenceSimilarityTests
{
    [Fact]
    public void AccuracyThresholdIsTheHighestBestCutHalfwayToTheNextScore()
    {
        // Cuts: >= 0.9 -> 3/5, >= 0.8 -> 4/5, >= 0.7 -> 3/5, >= 0.6 -> 4/5, >= 0.2 -> 3/5, none -> 2/5.
        var (threshold, accuracy) = ThresholdSelection.BestAccuracyThreshold([0.9, 0.8, 0.7, 0.6, 0.2], [true, true, false, true, false]);

        Assert.Equal(0.75, threshold, 12);
        Assert.Equal(0.8, accuracy, 12);
    }

    [Fact]
    public void SeparableSentencePairsScorePerfectlyWithThresholdsFromTrainingFoldsOnly()
    {
        var scores = Enumerable.Range(0, 20).Select(i => i < 10 ? 0.9 + i / 100.0 : 0.1 + i / 100.0).ToArray();
        var paraphrase = Enumerable.Range(0, 20).Select(i => i < 10).ToArray();

        var metrics = TemporalSentenceSimilarity.Evaluate(scores, paraphrase, folds: 5, seed: 3);

        Assert.Equal(1.0, (double)metrics["auroc"]);
        Assert.Equal(1.0, (double)metrics["accuracy"]);
        Assert.All((List<double>)metrics["thresholds"], t => Assert.InRange(t, 0.29, 0.9));
    }
}
