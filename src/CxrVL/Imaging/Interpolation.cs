namespace CxrVL.Imaging;

/// <summary>
/// Resampling kernel of a resize. <see cref="Linear"/> and <see cref="Cubic"/> are Pillow's filters (antialiased
/// when shrinking; bicubic with a = -0.5), so recipes from torchvision's PIL pipelines resize as they do;
/// <see cref="Area"/> is OpenCV's INTER_AREA (the MGCA/MedST letterbox); <see cref="Nearest"/> picks the pixel
/// whose centre is nearest. Warps (<see cref="Transforms.RandomAffine"/>) use OpenCV's kernels.
/// </summary>
public enum Interpolation
{
    Nearest,
    Linear,
    Cubic,
    Area,
}
