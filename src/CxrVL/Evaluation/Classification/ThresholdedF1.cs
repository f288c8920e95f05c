namespace CxrVL.Evaluation.Classification;

/// <summary>
/// A decision threshold chosen on the validation set (the one with the best validation F1) and the test counts
/// when it is applied unchanged to the test scores.
/// </summary>
public sealed record ThresholdedF1(double Threshold, double ValidationF1, BinaryCounts Test)
{
    public double TestF1 => Test.F1;
}
