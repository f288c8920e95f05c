namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// CheXbert on one report: each head's logits in CheXbert's head order (<see cref="ChexbertLabeler.HeadObservations"/>),
/// the class each head picks (0 blank, 1 positive, 2 negative, 3 uncertain; No Finding: 0 blank, 1 positive), and
/// those classes as CheXpert labels in the rule-based labeler's column order.
/// </summary>
public sealed record ChexbertOutput(IReadOnlyList<float[]> Logits, IReadOnlyList<int> Classes, ChexpertLabels Labels);
