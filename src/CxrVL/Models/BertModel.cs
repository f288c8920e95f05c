using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// BERT with Hugging Face's parameter names (<c>embeddings.word_embeddings</c>,
/// <c>encoder.layer.N.attention.self.query</c>, <c>attention.output.LayerNorm</c>, <c>intermediate.dense</c>,
/// <c>output.dense</c>, <c>pooler.dense</c>), built from a <see cref="BertConfig"/> (<c>config.json</c>), so
/// Bio_ClinicalBERT and other HF checkpoints load by name. Padding is masked with <see cref="BertInput.AttentionMask"/>;
/// a decoder config (<c>is_decoder</c>) adds the causal mask.
/// </summary>
public sealed class BertModel : nn.Module<BertInput, BertEncoding>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;

    public BertModel(BertConfig config) : base(nameof(BertModel))
    {
        Config = config.Validate();
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        if (config.AddPoolingLayer)
            pooler = new BertPooler(config);
        RegisterComponents();
        InitializeLikeHuggingFace();
    }

    public BertConfig Config { get; }

    /// <summary>The word embedding table [vocab, D]; the masked-LM decoder shares it.</summary>
    internal Parameter WordEmbeddingWeight => embeddings.WordEmbeddingWeight;

    /// <summary>Encodes token ids [N, L] (or <see cref="BertInput.InputsEmbeds"/>).</summary>
    public BertEncoding forward(Tensor inputIds, Tensor? attentionMask = null) =>
        forward(new BertInput { InputIds = inputIds, AttentionMask = attentionMask });

    public override BertEncoding forward(BertInput input)
    {
        var reference = input.InputsEmbeds ?? input.InputIds
            ?? throw new CxrVLException("BERT needs InputIds or InputsEmbeds.");
        if (input.InputsEmbeds is null && (reference.dim() != 2 || reference.dtype != ScalarType.Int64))
            throw new CxrVLException($"BERT token ids must be N x L int64; got [{string.Join(", ", reference.shape)}] {reference.dtype}.");
        using var scope = NewDisposeScope();
        var (n, length) = (reference.shape[0], reference.shape[1]);
        var mask = AdditiveMask(input.AttentionMask, n, length, Config.IsDecoder, reference.device);
        var encoderMask = input.EncoderHiddenStates is null ? null
            : AdditiveMask(input.EncoderAttentionMask, n, input.EncoderHiddenStates.shape[1], causal: false, reference.device);

        var states = embeddings.forward(input);
        if (input.EmbeddingOffset is { } offset)
            states = states + offset.unsqueeze(1);
        var hiddenStates = input.OutputHiddenStates ? new List<Tensor> { states } : null;
        var attentions = input.OutputAttentions ? new List<Tensor>() : null;
        foreach (var layer in encoder.Layers)
        {
            (states, var weights) = layer.Forward(states, mask, input.EncoderHiddenStates, encoderMask);
            hiddenStates?.Add(states);
            attentions?.Add(weights);
        }
        var pooled = pooler?.forward(states);

        states.MoveToOuterDisposeScope();
        pooled?.MoveToOuterDisposeScope();
        foreach (var t in (hiddenStates ?? []).Concat(attentions ?? []))
            t.MoveToOuterDisposeScope();
        return new BertEncoding(states, pooled, hiddenStates, attentions);
    }

    /// <summary>
    /// 1/0 mask [N, S] -> additive [N, 1, 1 or L, S] with the dtype's lowest value on masked positions, as
    /// Hugging Face's <c>get_extended_attention_mask</c>; causal masking for decoders.
    /// </summary>
    private static Tensor? AdditiveMask(Tensor? mask, long n, long length, bool causal, Device device)
    {
        if (mask is null && !causal)
            return null;
        var keep = (mask ?? ones(n, length, device: device)).to_type(ScalarType.Float32)[.., TensorIndex.None, TensorIndex.None, ..];
        if (causal)
            keep = keep * ones(length, length, device: device).tril()[TensorIndex.None, TensorIndex.None];
        return (1.0 - keep) * float.MinValue;
    }

    /// <summary>Hugging Face's <c>_init_weights</c>: normal(0, initializer_range) weights, zero biases and padding row, LayerNorm 1/0.</summary>
    private void InitializeLikeHuggingFace()
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case AutocastLinear linear:
                    nn.init.normal_(linear.weight, std: Config.InitializerRange);
                    if (linear.bias is not null)
                        nn.init.zeros_(linear.bias);
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight, std: Config.InitializerRange);
                    break;
            }
        }
        WordEmbeddingWeight[Config.PadTokenId].zero_();
    }
}
