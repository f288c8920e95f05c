namespace CxrVL.Imaging;

/// <summary>
/// Resampling kernel of a resize. <see cref="Linear"/> and <see cref="Cubic"/> average over the covered area when
/// shrinking (antialiased, as PIL does for torchvision's PIL pipelines) and use the named kernel when enlarging;
/// <see cref="Area"/> is OpenCV's INTER_AREA always (the MGCA/MedST letterbox).
/// </summary>
public enum Interpolation
{
    Nearest,
    Linear,
    Cubic,
    Area,
}
