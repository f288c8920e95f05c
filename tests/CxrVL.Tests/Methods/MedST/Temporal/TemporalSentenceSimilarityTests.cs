using System.Text.Json;
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

    [Fact]
    public void TheReleasedProtocolMatchesMedstsScriptInTorch()
    {
        // Cosine similarities of 137 pairs: paraphrases a little higher on average, much overlap.
        var random = new Random(5);
        var paraphrase = Enumerable.Range(0, 137).Select(_ => random.NextDouble() < 0.45).ToArray();
        var scores = paraphrase.Select(p => Math.Clamp(0.55 + (p ? 0.12 : 0) + (random.NextDouble() - 0.5) * 0.5, 0, 1)).ToArray();
        var input = Path.Combine(Directory.CreateTempSubdirectory("cxrvl-sentsim-").FullName, "case.json");
        File.WriteAllText(input, JsonSerializer.Serialize(new { scores, paraphrase }));

        var reference = JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Methods/MedST/Temporal/reference/medst_sentence_similarity.py"), input)).RootElement;
        var metrics = TemporalSentenceSimilarity.EvaluateAsReleased(scores, paraphrase);
        Directory.Delete(Path.GetDirectoryName(input)!, recursive: true);

        Assert.Equal(reference.GetProperty("threshold").GetDouble(), (double)metrics["threshold"], 10);
        Assert.Equal(reference.GetProperty("accuracy").GetDouble(), (double)metrics["accuracy"], 6);
        Assert.Equal(reference.GetProperty("auroc").GetDouble(), (double)metrics["auroc"], 6);
    }
}
