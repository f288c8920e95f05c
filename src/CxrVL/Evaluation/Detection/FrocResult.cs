namespace CxrVL.Evaluation.Detection;

/// <summary>Sensitivity at each false-positive rate per image, and their mean (the FROC score).</summary>
public sealed record FrocResult(IReadOnlyList<double> FalsePositivesPerImage, IReadOnlyList<double> Sensitivities, double Mean);
