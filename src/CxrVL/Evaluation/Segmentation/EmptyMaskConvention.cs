namespace CxrVL.Evaluation.Segmentation;

/// <summary>
/// How per-image Dice and IoU treat images whose ground truth is empty. A non-empty prediction on an empty ground
/// truth always scores 0 (no overlap); only "both empty" (0/0) and the choice of images need a convention.
/// </summary>
public enum EmptyMaskConvention
{
    /// <summary>
    /// Both empty scores 1, and every image counts (MRM's medDice on SIIM; MGCA's segmenter does the same per
    /// batch). The default.
    /// </summary>
    BothEmptyIsOne,

    /// <summary>Images where both masks are empty are left out of the mean.</summary>
    SkipBothEmpty,

    /// <summary>Images whose ground truth is empty are left out: the mean runs over positive images only.</summary>
    SkipEmptyTruth,
}
