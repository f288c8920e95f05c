using System.ComponentModel.DataAnnotations;

namespace CxrVL.Tasks.Finetuning;

/// <summary>The <c>eval:</c> section: test-set statistics, detection post-processing and plots.</summary>
public sealed class FinetuneEvalConfig
{
    /// <summary>Bootstrap resamples of the test set for 95% intervals (0: none).</summary>
    [Range(0, int.MaxValue)]
    public int Bootstrap { get; set; } = 1000;

    [Range(0d, 1d, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Probability above which a pixel is foreground.</summary>
    [Range(0d, 1d)]
    public double MaskThreshold { get; set; } = 0.5;

    /// <summary>Detections below this score are dropped before NMS (FCOS: 0.05).</summary>
    [Range(0d, 1d)]
    public double ScoreThreshold { get; set; } = 0.05;

    /// <summary>NMS IoU threshold: a box overlapping a higher-scored one of its class by more is suppressed (FCOS: 0.6).</summary>
    [Range(0d, 1d)]
    public double NmsIou { get; set; } = 0.6;

    [Range(1, int.MaxValue)]
    public int MaxDetections { get; set; } = 100;

    /// <summary>Test images drawn as overlay PNGs (segmentation masks, detection boxes).</summary>
    [Range(0, int.MaxValue)]
    public int Overlays { get; set; } = 8;
}
