namespace CxrVL.Methods.Alignment;

/// <summary>
/// How the image-to-text and text-to-image terms of a symmetric contrastive loss combine. CxrVL's presets use
/// <see cref="Mean"/> (CLIP, PRIOR); MGCA, MedST and GLoRIA sum them, which doubles the loss scale (anchors §8.1 #9):
/// <see cref="Sum"/> reproduces them exactly.
/// </summary>
public enum DirectionReduction
{
    Mean,
    Sum,
}
