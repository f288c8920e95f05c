using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Hugging Face's <c>BertPredictionHeadTransform</c>: <c>dense</c>, activation, <c>LayerNorm</c>.</summary>
internal sealed class BertPredictionHeadTransform : nn.Module<Tensor, Tensor>
{
    private readonly AutocastLinear dense;
    private readonly AutocastLayerNorm LayerNorm;
    private readonly string _activation;

    public BertPredictionHeadTransform(BertConfig config) : base(nameof(BertPredictionHeadTransform))
    {
        dense = new AutocastLinear(config.HiddenSize, config.HiddenSize);
        LayerNorm = new AutocastLayerNorm(config.HiddenSize, config.LayerNormEps);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(BertActivation.Apply(_activation, dense.forward(states))).MoveToOuterDisposeScope();
    }
}
