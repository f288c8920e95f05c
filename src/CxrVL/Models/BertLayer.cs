using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Hugging Face's <c>BertLayer</c>: <c>attention</c>, optional <c>crossattention</c> to encoder states,
/// <c>intermediate.dense</c> with the configured activation, and <c>output</c>.
/// </summary>
internal sealed class BertLayer : nn.Module
{
    private readonly BertAttention attention;
    private readonly BertAttention? crossattention;
    private readonly BertIntermediate intermediate;
    private readonly BertSublayerOutput output;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        if (config.AddCrossAttention)
            crossattention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertSublayerOutput(config, config.IntermediateSize);
        RegisterComponents();
    }

    public (Tensor Output, Tensor Weights) Forward(Tensor states, Tensor? additiveMask, Tensor? encoderStates, Tensor? encoderMask)
    {
        using var scope = NewDisposeScope();
        var (attended, weights) = attention.Forward(states, states, additiveMask);
        if (crossattention is not null)
        {
            if (encoderStates is null)
                throw new CxrVLException("this BERT has cross-attention layers (add_cross_attention): pass EncoderHiddenStates.");
            attended = crossattention.Forward(attended, encoderStates, encoderMask).Output;
        }
        var result = output.forward(intermediate.forward(attended), attended);
        return (result.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }
}
