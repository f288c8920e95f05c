namespace CxrVL.Evaluation.Nlg;

/// <summary>One generated text and its reference texts (at least one), under the id both files share.</summary>
public sealed record NlgSample(string Id, string Prediction, IReadOnlyList<string> References);
