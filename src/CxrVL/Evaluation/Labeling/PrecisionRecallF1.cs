namespace CxrVL.Evaluation.Labeling;

/// <summary>Precision, recall and F1 of one average (micro, macro or weighted) or one observation.</summary>
public sealed record PrecisionRecallF1(double Precision, double Recall, double F1);
