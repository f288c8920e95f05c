namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Clinical efficacy of two report files: the scores over the pairs that could be scored, and the ids whose reference
/// report was empty (left out: an empty reference has no findings to compare against, and the labeler would call it
/// "No Finding").
/// </summary>
public sealed record ClinicalEfficacyFileResult(ClinicalEfficacyScores Scores, IReadOnlyList<string> EmptyReferences);
