using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Hugging Face's <c>BertSelfOutput</c> / <c>BertOutput</c>: <c>dense</c>, dropout, then <c>LayerNorm</c> over the
/// residual sum.
/// </summary>
internal sealed class BertSublayerOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly AutocastLinear dense;
    private readonly AutocastLayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertSublayerOutput(BertConfig config, int inputSize) : base(nameof(BertSublayerOutput))
    {
        dense = new AutocastLinear(inputSize, config.HiddenSize);
        LayerNorm = new AutocastLayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(dense.forward(hidden)) + residual).MoveToOuterDisposeScope();
    }
}
