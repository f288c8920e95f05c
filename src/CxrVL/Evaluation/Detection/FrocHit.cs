namespace CxrVL.Evaluation.Detection;

/// <summary>When a detection counts as finding a truth box in FROC.</summary>
public enum FrocHit
{
    /// <summary>The detection's centre lies inside the truth box (the Object-CXR challenge rule, used by LoVT).</summary>
    CentreInside,

    /// <summary>The IoU with the truth box is at least <see cref="FrocOptions.IouThreshold"/>.</summary>
    Iou,
}
