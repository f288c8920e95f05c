namespace CxrVL.Evaluation.Labeling;

/// <summary>One observation's precision, recall and F1, and its support (reports whose reference is positive).</summary>
public sealed record ObservationScore(string Observation, PrecisionRecallF1 Scores, long Support);
