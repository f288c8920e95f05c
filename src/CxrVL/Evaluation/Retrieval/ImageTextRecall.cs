namespace CxrVL.Evaluation.Retrieval;

/// <summary>Recall@K in both directions, keyed by K.</summary>
public sealed record ImageTextRecall(IReadOnlyDictionary<int, double> ImageToText, IReadOnlyDictionary<int, double> TextToImage);
