using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Hugging Face's <c>BertPredictionHeadTransform</c>: <c>dense</c>, activation, <c>LayerNorm</c>.</summary>
internal sealed class BertPredictionHeadTransform : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly string _activation;

    public BertPredictionHeadTransform(BertConfig config) : base(nameof(BertPredictionHeadTransform))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(BertActivation.Apply(_activation, dense.forward(states))).MoveToOuterDisposeScope();
    }
}
