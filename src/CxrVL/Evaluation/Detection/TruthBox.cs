using CxrVL.Imaging;
namespace CxrVL.Evaluation.Detection;

/// <summary>A ground-truth box. Crowd regions are ignored: matching one is neither a hit nor a false positive.</summary>
public sealed record TruthBox(Box Box, int Category = 0, bool IsCrowd = false);
