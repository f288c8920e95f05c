namespace CxrVL.Evaluation.Detection;

/// <summary>Options of <see cref="Froc"/>: the false-positive rates per image to read, and the hit rule.</summary>
public sealed record FrocOptions
{
    public IReadOnlyList<double> FalsePositivesPerImage { get; init; } = [0.125, 0.25, 0.5, 1, 2, 4, 8];

    public FrocHit Hit { get; init; } = FrocHit.CentreInside;

    public double IouThreshold { get; init; } = 0.5;
}
