namespace CxrVL.Weights;

/// <summary>What <see cref="ArchitectureDetector"/> recognised in a checkpoint.</summary>
/// <param name="Layout">the known checkpoint layout (PRIOR, MRM, MGCA, MedST, ...) or a plain description</param>
/// <param name="Models">the backbones found, in key order</param>
public sealed record ArchitectureReport(string Layout, IReadOnlyList<DetectedModel> Models);
