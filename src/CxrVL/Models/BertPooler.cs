using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Hugging Face's <c>BertPooler</c>: tanh(<c>dense</c>(first token)).</summary>
internal sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    private readonly AutocastLinear dense;

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = new AutocastLinear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        return dense.forward(states[.., 0]).tanh().MoveToOuterDisposeScope();
    }
}
