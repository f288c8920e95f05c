namespace CxrVL.Imaging;

/// <summary>A predicted box with its confidence.</summary>
public sealed record DetectedBox(Box Box, double Score, int Category = 0);
