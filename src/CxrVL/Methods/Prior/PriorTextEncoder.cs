using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// PRIOR's text encoder (<c>text_encoder.</c>): a Hugging Face <c>AutoModel</c> BERT as <c>encoder</c>, pooler included
/// (PRIOR computes the pooled output but never uses it). Returns the last hidden states [B, L, H].
/// </summary>
public sealed class PriorTextEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertModel encoder;

    public PriorTextEncoder(BertConfig config) : base(nameof(PriorTextEncoder))
    {
        encoder = new BertModel(config with { AddPoolingLayer = true });
        RegisterComponents();
    }

    public BertModel Bert => encoder;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask) =>
        encoder.forward(new BertInput { InputIds = inputIds, AttentionMask = attentionMask }).LastHiddenState;
}
