using CxrVL.Evaluation.Retrieval;

namespace CxrVL.Tests.Evaluation.Retrieval;

public sealed class RetrievalMetricsTests
{
    // 3 images x 4 texts. Image 0 owns text 0, image 1 texts 1 and 2, image 2 text 3.
    private static readonly double[,] Similarity =
    {
        { 0.9, 0.1, 0.5, 0.2 },
        { 0.3, 0.4, 0.4, 0.8 },
        { 0.7, 0.6, 0.6, 0.6 },
    };

    private static readonly IReadOnlyCollection<int>[] TextsOfImage = [[0], [1, 2], [3]];

    [Fact]
    public void ImageToTextAndTextToImageRecallCountTiesByIndex()
    {
        var recall = RetrievalMetrics.ImageTextRecall(Similarity, TextsOfImage, [1, 2, 3, 4]);
        // Image 0: text 0 ranks first. Image 1: its best text (1 and 2 tie at 0.4; 1 has the lower index) is
        // behind text 3 (0.8): rank 2. Image 2: text 3 (0.6) is behind 0.7 and the tied texts 1 and 2: rank 4.
        Assert.Equal(1.0 / 3, recall.ImageToText[1], 15);
        Assert.Equal(2.0 / 3, recall.ImageToText[2], 15);
        Assert.Equal(2.0 / 3, recall.ImageToText[3], 15);
        Assert.Equal(1.0, recall.ImageToText[4]);
        // Text columns: t0 [0.9, 0.3, 0.7] -> image 0 first; t1 [0.1, 0.4, 0.6] -> image 1 second;
        // t2 [0.5, 0.4, 0.6] -> image 1 third; t3 [0.2, 0.8, 0.6] -> image 2 second.
        Assert.Equal(0.25, recall.TextToImage[1]);
        Assert.Equal(0.75, recall.TextToImage[2]);
        Assert.Equal(1.0, recall.TextToImage[3]);
    }

    [Fact]
    public void PrecisionAtKCountsCandidatesWithTheQueryLabel()
    {
        // Query labels 0, 1, 1; text labels 0, 1, 1, 0. Ranked text labels: query 0 -> 0 1 0 1;
        // query 1 -> 0 1 1 0 (texts 3, 1, 2, 0); query 2 -> 0 1 1 0 (text 0, then tied 1, 2, 3 by index).
        var precision = RetrievalMetrics.PrecisionAtK(Similarity, [0, 1, 1], [0, 1, 1, 0], [1, 2, 3]);
        Assert.Equal(1.0 / 3, precision[1], 15);
        Assert.Equal(0.5, precision[2], 15);
        Assert.Equal(2.0 / 3, precision[3], 15);
    }

    [Fact]
    public void QueriesWithoutACorrectCandidateAreRejected()
    {
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.RecallAtK(Similarity, [[0], [], [3]], [1]));
        // Text 1 belongs to no image here.
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.ImageTextRecall(Similarity, [[0], [2], [3]]));
    }
}
