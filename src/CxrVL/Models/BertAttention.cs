using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Hugging Face's <c>BertAttention</c>: <c>self</c> then <c>output</c> (projection, residual, LayerNorm).</summary>
internal sealed class BertAttention : nn.Module
{
    private readonly BertSelfAttention @self;
    private readonly BertSublayerOutput output;

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        @self = new BertSelfAttention(config);
        output = new BertSublayerOutput(config, config.HiddenSize);
        RegisterComponents();
    }

    public (Tensor Output, Tensor Weights) Forward(Tensor states, Tensor source, Tensor? additiveMask)
    {
        using var scope = NewDisposeScope();
        var (context, weights) = @self.Forward(states, source, additiveMask);
        return (output.forward(context, states).MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }
}
