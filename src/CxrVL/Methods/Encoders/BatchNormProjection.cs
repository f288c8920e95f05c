using CxrVL.Models.Layers;
using CxrVL.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// MGCA's embedding head: Linear(in, hidden) - BatchNorm - ReLU - Linear(hidden, out) - BatchNorm without affine
/// parameters. Applied to [B, D] (global) or [B, T, D] (local, normalised over every token, as MGCA's Conv1d head does).
/// Names follow MGCA's <c>head.0</c> .. <c>head.4</c>; BatchNorm running statistics are buffers and are checkpointed.
/// </summary>
public sealed class BatchNormProjection : nn.Module<Tensor, Tensor>
{
    private readonly Sequential head;

    public BatchNormProjection(int input, int hidden, int output) : base(nameof(BatchNormProjection))
    {
        head = nn.Sequential(
            ("0", new AutocastLinear(input, hidden)),
            ("1", BatchNormalization.OneDimensional(hidden)),
            ("2", nn.ReLU(inplace: true)),
            ("3", new AutocastLinear(hidden, output)),
            ("4", BatchNormalization.OneDimensional(output, affine: false)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        if (features.dim() == 2)
            return head.forward(features);
        using var scope = NewDisposeScope();
        var (batch, tokens) = (features.shape[0], features.shape[1]);
        return head.forward(features.reshape(batch * tokens, -1)).view(batch, tokens, -1).MoveToOuterDisposeScope();
    }
}
