using System.Globalization;

namespace CxrVL.Training;

/// <summary>Where a run met a NaN or infinite loss or gradient norm, what was not finite, and what is left to go back to.</summary>
/// <param name="Step">The optimizer step whose batch was not finite, counted as metrics.jsonl counts (the first step is 1).</param>
/// <param name="NonfiniteTerms">
/// The step's loss values as metrics.jsonl names them (<c>loss</c>, <c>loss_&lt;term&gt;</c>) that were not finite; empty
/// when only the gradient norm was.
/// </param>
/// <param name="GradientNorm">The gradient norm; null when it was not computed (a loss was already not finite).</param>
/// <param name="LastGoodCheckpoint">The newest checkpoint written before the step; null when there was none.</param>
/// <param name="Skipped">Batches dropped before this one under <c>train.nonfinite: skip</c>.</param>
/// <param name="SkipLimit"><c>train.max_nonfinite_skips</c> under <c>train.nonfinite: skip</c>; null under <c>error</c>.</param>
public sealed record TrainingDivergence(
    long Step,
    string Stage,
    IReadOnlyDictionary<string, double> NonfiniteTerms,
    double? GradientNorm,
    string? LastGoodCheckpoint,
    int Skipped,
    int? SkipLimit)
{
    /// <summary>
    /// Under fp16-mixed: the loss scale that fell below <c>train.grad_scaler.min_scale</c>, that floor, and the steps in a
    /// row whose gradients overflowed; null otherwise.
    /// </summary>
    public (float Scale, double Floor, int Steps)? CollapsedScale { get; init; }

    /// <summary>What was not finite: "loss_box = NaN, loss = NaN", the gradient norm, or the fp16 loss scale that collapsed.</summary>
    public string What =>
        CollapsedScale is var (scale, floor, steps)
            ? $"the fp16 loss scale fell to {Number(scale)}, below train.grad_scaler.min_scale={Number(floor)}, after {steps} steps in a row with infinite or NaN gradients"
            : NonfiniteTerms.Count > 0
            ? string.Join(", ", NonfiniteTerms.Select(t => $"{t.Key} = {Number(t.Value)}"))
            : GradientNorm is { } norm
                ? $"the gradient norm is {Number(norm)} while every loss term is finite"
                : "a loss or gradient norm on another rank was not finite";

    /// <summary>The error a user sees: the step, what was not finite, the last good checkpoint and what to try.</summary>
    public string Message =>
        $"training diverged at step {Step} (stage {Stage}): {What}." +
        (SkipLimit is { } limit ? $" {Skipped} earlier batches with non-finite values were skipped, as many as train.max_nonfinite_skips={limit} allows." : "") +
        (LastGoodCheckpoint is { } checkpoint
            ? $" The last good checkpoint is '{checkpoint}'; nothing was saved after it."
            : " No checkpoint was written before it.") +
        (CollapsedScale is not null
            ? " Check the data of those steps, lower train.optimizer.lr, or train in bf16-mixed, whose range is float32's."
            : " Check the data of that step, lower train.optimizer.lr or set train.clip_grad_norm" +
              (SkipLimit is null ? ", or set train.nonfinite=skip to drop such batches." : ", or raise train.max_nonfinite_skips."));

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
