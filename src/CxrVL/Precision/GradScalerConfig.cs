using System.ComponentModel.DataAnnotations;

namespace CxrVL.Precision;

/// <summary>
/// <c>train.grad_scaler:</c> the dynamic loss scaling of <c>fp16-mixed</c>, with torch.cuda.amp.GradScaler's defaults.
/// The other precisions do not scale (bfloat16 has float32's range), so these keys only matter under fp16-mixed.
/// </summary>
public sealed class GradScalerConfig
{
    /// <summary>The scale the first step's loss is multiplied by.</summary>
    [Range(float.Epsilon, float.MaxValue)]
    public double InitScale { get; set; } = 65536;

    /// <summary>What the scale is multiplied by after <see cref="GrowthInterval"/> consecutive steps with finite gradients.</summary>
    [Range(1d, double.MaxValue, MinimumIsExclusive = true)]
    public double GrowthFactor { get; set; } = 2;

    /// <summary>What the scale is multiplied by after a step with an infinite or NaN gradient (which is skipped).</summary>
    [Range(0d, 1d, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double BackoffFactor { get; set; } = 0.5;

    [Range(1, int.MaxValue)]
    public int GrowthInterval { get; set; } = 2000;

    /// <summary>
    /// The run stops with an error when the scale falls below this (PyTorch lowers it forever). The default, 2^-24, is
    /// float16's smallest subnormal: a scale below it sends a gradient of 1 to zero, so no scale can help any more.
    /// </summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double MinScale { get; set; } = 1.0 / (1 << 24);
}
