namespace CxrVL.Evaluation.Segmentation;

/// <summary>
/// Dice and IoU over a test set. "Mean" values average per-image scores under <see cref="Convention"/> over the
/// <see cref="ImagesScored"/> images it keeps (MRM's medDice); "global" values pool the pixel counts of all images
/// first (LoVT's Dice: torchmetrics F1 with average="micro" over every pixel), NaN only when every mask is empty.
/// </summary>
public sealed record SegmentationSummary(
    double MeanDice,
    double MeanIou,
    double GlobalDice,
    double GlobalIou,
    int Images,
    int ImagesScored,
    EmptyMaskConvention Convention);
