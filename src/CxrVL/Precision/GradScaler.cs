using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Precision;

/// <summary>
/// Dynamic loss scaling for <c>fp16-mixed</c>, rule for rule as torch.cuda.amp.GradScaler: the loss is multiplied by the
/// scale before the backward pass, so small gradients survive float16; the gradients are divided by it again before
/// clipping and the optimizer step. A step whose gradients hold an infinity or a NaN is skipped (parameters and
/// optimizer state untouched), the scale is multiplied by the backoff factor and the run of good steps restarts; after
/// <see cref="GradScalerConfig.GrowthInterval"/> good steps in a row the scale is multiplied by the growth factor
/// (unless that overflows float32), as libtorch's <c>_amp_update_scale_</c> does.
/// </summary>
public sealed class GradScaler
{
    private readonly GradScalerConfig _config;

    /// <param name="resumed">The state a checkpoint saved; null starts at <see cref="GradScalerConfig.InitScale"/>.</param>
    public GradScaler(GradScalerConfig config, GradScalerState? resumed = null)
    {
        _config = config;
        Scale = resumed?.Scale ?? (float)config.InitScale;
        GrowthTracker = resumed?.GrowthTracker ?? 0;
        SkippedSteps = resumed?.SkippedSteps ?? 0;
    }

    /// <summary>The current loss scale; PyTorch keeps it in a float32 tensor, so every change rounds to float32.</summary>
    public float Scale { get; private set; }

    public int GrowthTracker { get; private set; }

    public int SkippedSteps { get; private set; }

    /// <summary>Steps with infinite or NaN gradients in a row, up to now.</summary>
    public int ConsecutiveSkips { get; private set; }

    /// <summary>The scale fell below <see cref="GradScalerConfig.MinScale"/>: gradients overflow whatever the scale, which is divergence.</summary>
    public bool Collapsed => Scale < _config.MinScale;

    public GradScalerState State => new(Scale, GrowthTracker, SkippedSteps);

    /// <summary>The loss times the scale, for the backward pass.</summary>
    public Tensor ScaleLoss(Tensor loss) => loss * Scale;

    /// <summary>
    /// Divides every gradient by the scale in place (a multiplication by its float32 reciprocal, as PyTorch's
    /// <c>_amp_foreach_non_finite_check_and_unscale_</c>) and tells whether any gradient holds an infinity or a NaN.
    /// </summary>
    public bool UnscaleFindsNonfinite(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inverse = (float)(1.0 / Scale);
        var nonfinite = new List<Tensor>();
        foreach (var gradient in parameters.Select(p => p.grad).OfType<Tensor>())
        {
            nonfinite.Add(gradient.isfinite().all().logical_not());
            gradient.mul_(inverse);
        }
        return nonfinite.Count > 0 && stack(nonfinite).any().item<bool>();
    }

    /// <summary>Adjusts the scale after a step: backoff after a skipped one, growth after a run of good ones.</summary>
    /// <param name="foundNonfinite">What <see cref="UnscaleFindsNonfinite"/> found for this step; true means the optimizer step was skipped.</param>
    public void Update(bool foundNonfinite)
    {
        if (foundNonfinite)
        {
            Scale = (float)(Scale * _config.BackoffFactor);
            GrowthTracker = 0;
            SkippedSteps++;
            ConsecutiveSkips++;
            return;
        }
        ConsecutiveSkips = 0;
        var successful = GrowthTracker + 1;
        if (successful == _config.GrowthInterval)
        {
            var grown = (float)(Scale * _config.GrowthFactor);
            if (float.IsFinite(grown))
                Scale = grown;
            GrowthTracker = 0;
        }
        else
        {
            GrowthTracker = successful;
        }
    }
}
