using System.Globalization;
using CxrVL.Data.Loading;
using CxrVL.Evaluation.Retrieval;

namespace CxrVL.Tasks.Retrieval;

/// <summary>
/// Image-to-text and text-to-image retrieval over the embedded pairs (<c>cxrvl retrieve</c>). A report is a correct match
/// for every image paired with the same text (several images of one study, or a note shared by a patient's images).
/// With row classes, Precision@K counts a retrieved item as relevant when its class equals the query's.
/// </summary>
public static class RetrievalEvaluation
{
    private static readonly int[] Ks = [1, 5, 10];

    public static RetrievalResult Evaluate(PairEmbeddings pairs, IReadOnlyList<string> reportTexts, IReadOnlyList<int>? classes = null)
    {
        var (similarity, textsOfImage) = SimilarityAndCorrectTexts(pairs, reportTexts);
        var recall = RetrievalMetrics.ImageTextRecall(similarity, textsOfImage, Ks);
        IReadOnlyDictionary<int, double>? precision = null;
        if (classes is not null)
        {
            var (_, sub, labels) = WithClass(similarity, classes);
            precision = RetrievalMetrics.PrecisionAtK(sub, labels, labels, Ks);
        }
        return new RetrievalResult(pairs.Rows.Count, recall.ImageToText, recall.TextToImage, precision);
    }

    /// <summary>
    /// Image-text similarities and, for each image, every text that is correct for it: its own and those with the same
    /// normalised wording (identical notes are interchangeable).
    /// </summary>
    private static (double[,] Similarity, List<IReadOnlyCollection<int>> TextsOfImage) SimilarityAndCorrectTexts(PairEmbeddings pairs, IReadOnlyList<string> reportTexts)
    {
        if (pairs.Texts.shape[1] == 0)
            throw new CxrVLException("this model has no report embeddings (MRM learns no joint image-report space): retrieval does not apply.");
        var byText = reportTexts.Select((text, i) => (Key: Normalise(text), i)).GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => (IReadOnlyCollection<int>)g.Select(p => p.i).ToList());
        return (SimilarityMatrix.Of(pairs.Images, pairs.Texts), reportTexts.Select(text => byText[Normalise(text)]).ToList());
    }

    /// <summary>The pairs whose row has a class (class &gt;= 0): their indices, their similarity sub-matrix and their classes.</summary>
    private static (List<int> Rows, double[,] Similarity, List<int> Classes) WithClass(double[,] similarity, IReadOnlyList<int> classes)
    {
        var rows = classes.Select((c, i) => (c, i)).Where(p => p.c >= 0).Select(p => p.i).ToList();
        var sub = new double[rows.Count, rows.Count];
        for (var a = 0; a < rows.Count; a++)
            for (var b = 0; b < rows.Count; b++)
                sub[a, b] = similarity[rows[a], rows[b]];
        return (rows, sub, rows.Select(i => classes[i]).ToList());
    }

    /// <summary>
    /// The same evaluation per test pair (for bootstrap intervals): the rank of each image's first correct note and of
    /// each note's first correct image, and each image query's Precision@5 among the rows with a class (NaN for the others).
    /// </summary>
    public static RetrievalItems PerItem(PairEmbeddings pairs, IReadOnlyList<string> reportTexts, IReadOnlyList<int>? classes = null)
    {
        var (similarity, textsOfImage) = SimilarityAndCorrectTexts(pairs, reportTexts);
        var imageRanks = RetrievalMetrics.BestRanks(similarity, textsOfImage);
        // Every text belongs to the images that share it, as in ImageTextRecall.
        var (images, texts) = (similarity.GetLength(0), similarity.GetLength(1));
        var transposed = new double[texts, images];
        for (var i = 0; i < images; i++)
            for (var t = 0; t < texts; t++)
                transposed[t, i] = similarity[i, t];
        var textRanks = RetrievalMetrics.BestRanks(transposed, textsOfImage);
        double[]? precision = null;
        if (classes is not null)
        {
            var (valid, sub, labels) = WithClass(similarity, classes);
            var perQuery = RetrievalMetrics.PrecisionAtKPerQuery(sub, labels, labels, 5);
            precision = Enumerable.Repeat(double.NaN, classes.Count).ToArray();
            for (var v = 0; v < valid.Count; v++)
                precision[valid[v]] = perQuery[v];
        }
        return new RetrievalItems(imageRanks, textRanks, precision);
    }

    private static string Normalise(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
