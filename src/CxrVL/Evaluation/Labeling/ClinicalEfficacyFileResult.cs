namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Clinical efficacy of two report files: the scores over the pairs that could be scored, the labeler that labelled the
/// texts (<c>rules</c>, <c>chexbert</c>, or <c>label tables</c> when both sides were tables), and the ids whose reference
/// report was empty (left out: an empty reference has no findings to compare against, and a labeler would call it
/// "No Finding").
/// </summary>
public sealed record ClinicalEfficacyFileResult(ClinicalEfficacyScores Scores, string Labeler, IReadOnlyList<string> EmptyReferences);
