using CxrVL.Precision;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Hugging Face's <c>BertLMPredictionHead</c>: <c>transform</c>, then the decoder, whose weight is the word
/// embedding table (tied, so it has no parameter of its own), plus the output <c>bias</c>.
/// </summary>
internal sealed class BertLmPredictionHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertPredictionHeadTransform transform;
    private readonly Parameter bias;

    public BertLmPredictionHead(BertConfig config) : base(nameof(BertLmPredictionHead))
    {
        transform = new BertPredictionHeadTransform(config);
        bias = new Parameter(zeros(config.VocabSize));
        RegisterComponents();
    }

    /// <summary>States [N, L, D] and the word embedding table [V, D] -> logits [N, L, V].</summary>
    public override Tensor forward(Tensor states, Tensor wordEmbeddings)
    {
        using var scope = NewDisposeScope();
        return Autocast.Linear(transform.forward(states), wordEmbeddings, bias).MoveToOuterDisposeScope();
    }
}
