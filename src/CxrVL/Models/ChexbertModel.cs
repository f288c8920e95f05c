using CxrVL.Models.Layers;
using CxrVL.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// CheXbert's report labeler (Smit et al., EMNLP 2020; stanfordmlgroup/CheXbert <c>bert_labeler</c>): bert-base-uncased
/// (<c>bert.*</c>, pooler included though unused, as the published checkpoint has it), dropout on the [CLS] state, and
/// <c>linear_heads.0..12</c> (4 classes: blank, positive, negative, uncertain) and <c>linear_heads.13</c> (No Finding:
/// blank, positive). Module and parameter names are the original's, so <c>chexbert.pth</c>'s <c>model_state_dict</c>
/// loads strictly through <see cref="PublishedKeyMap"/>.
/// </summary>
public sealed class ChexbertModel : nn.Module<BertInput, ChexbertLogits>
{
    public const int FourWayHeads = 13;

    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly ModuleList<AutocastLinear> linear_heads;

    public ChexbertModel() : this(BertBaseUncasedConfig)
    {
    }

    public ChexbertModel(BertConfig config) : base(nameof(ChexbertModel))
    {
        bert = new BertModel(config with { AddPoolingLayer = true });
        dropout = nn.Dropout(0.1);
        linear_heads = new ModuleList<AutocastLinear>();
        for (var i = 0; i < FourWayHeads; i++)
            linear_heads.Add(new AutocastLinear(config.HiddenSize, 4));
        linear_heads.Add(new AutocastLinear(config.HiddenSize, 2));
        RegisterComponents();
    }

    /// <summary>bert-base-uncased's <c>config.json</c>: BERT-base with the uncased 30,522-token vocabulary.</summary>
    public static BertConfig BertBaseUncasedConfig { get; } = new() { VocabSize = 30522 };

    /// <summary>
    /// From the published checkpoint's <c>model_state_dict</c> (saved from an <c>nn.DataParallel</c>): the <c>module.</c>
    /// prefix stripped, and the <c>position_ids</c> buffer dropped that checkpoints re-saved by transformers 3.x-4.30 hold.
    /// </summary>
    public static KeyMap PublishedKeyMap { get; } = KeyMap.Identity.StripPrefix("module.").DropPrefix("bert.embeddings.position_ids");

    public BertModel Bert => bert;

    /// <summary>Token ids [N, L] with their 1/0 attention mask: one logit tensor per head ([N, 4] x 13, then [N, 2]).</summary>
    public override ChexbertLogits forward(BertInput input)
    {
        using var scope = NewDisposeScope();
        var cls = dropout.forward(bert.forward(input).LastHiddenState[.., 0]);
        var heads = linear_heads.Select(head => head.forward(cls).MoveToOuterDisposeScope()).ToList();
        return new ChexbertLogits(heads);
    }
}
