namespace CxrVL.Evaluation.Nlg;

/// <summary>Corpus BLEU-1..N (index 0 is BLEU-1) and the lengths its brevity penalty used.</summary>
public sealed record BleuScore(IReadOnlyList<double> Corpus, int HypothesisLength, int ReferenceLength);
