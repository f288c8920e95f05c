namespace CxrVL.Tasks.Retrieval;

/// <summary>
/// Retrieval per test pair (<see cref="RetrievalEvaluation.PerItem"/>): the 0-based rank of the first correct note for
/// each image and of the first correct image for each note, and the image query's Precision@5 by class (NaN for a row
/// without a class; null without classes).
/// </summary>
public sealed record RetrievalItems(int[] ImageToTextRanks, int[] TextToImageRanks, double[]? PrecisionAt5)
{
    /// <summary>1 where the pair's query (<c>i2t</c>: its image, <c>t2i</c>: its note) found a correct item among the first <paramref name="k"/>, else 0.</summary>
    public double[] Hits(string direction, int k) =>
        (direction == "i2t" ? ImageToTextRanks : TextToImageRanks).Select(r => r < k ? 1.0 : 0.0).ToArray();

    /// <summary>Per pair, the mean of its six hits (R@1/5/10 both ways): their mean over pairs is the mean recall.</summary>
    public double[] MeanRecall() =>
        Enumerable.Range(0, ImageToTextRanks.Length)
            .Select(i => new[] { 1, 5, 10 }.Sum(k => (ImageToTextRanks[i] < k ? 1.0 : 0.0) + (TextToImageRanks[i] < k ? 1.0 : 0.0)) / 6)
            .ToArray();
}
