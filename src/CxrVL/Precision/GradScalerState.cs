namespace CxrVL.Precision;

/// <summary>What a <see cref="GradScaler"/> carries from step to step, saved with every checkpoint so that a resume continues exactly.</summary>
/// <param name="Scale">The current loss scale (a float32 value, as PyTorch keeps it).</param>
/// <param name="GrowthTracker">Consecutive steps with finite gradients since the scale last changed (PyTorch's <c>_growth_tracker</c>).</param>
/// <param name="SkippedSteps">Optimizer steps skipped so far because a gradient was infinite or NaN.</param>
public sealed record GradScalerState(float Scale, int GrowthTracker, int SkippedSteps);
