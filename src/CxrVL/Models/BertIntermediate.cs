using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Hugging Face's <c>BertIntermediate</c>: <c>dense</c> to the intermediate size, then the activation.</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly AutocastLinear dense;
    private readonly string _activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = new AutocastLinear(config.HiddenSize, config.IntermediateSize);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        return BertActivation.Apply(_activation, dense.forward(states)).MoveToOuterDisposeScope();
    }
}
