using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Hugging Face's <c>BertOnlyMLMHead</c> (the <c>cls</c> module): holds <c>predictions</c>.</summary>
internal sealed class BertOnlyMlmHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertLmPredictionHead predictions;

    public BertOnlyMlmHead(BertConfig config) : base(nameof(BertOnlyMlmHead))
    {
        predictions = new BertLmPredictionHead(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor states, Tensor wordEmbeddings) => predictions.forward(states, wordEmbeddings);
}
