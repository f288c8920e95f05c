using System.Text.Json;
using System.Text.Json.Serialization;
using CxrVL.Files;

namespace CxrVL.Models;

/// <summary>
/// A Hugging Face BERT <c>config.json</c> (the fields BERT's modules read). The defaults are Bio_ClinicalBERT's
/// (BERT-base, cased vocabulary of 28,996); <see cref="Load"/> reads a real file.
/// </summary>
public sealed record BertConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 28996;

    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;

    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;

    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;

    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;

    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";

    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; init; } = 0.1;

    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; init; } = 0.1;

    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 512;

    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; init; } = 2;

    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;

    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;

    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }

    /// <summary>Causal self-attention (HF <c>is_decoder</c>), as PRIOR's sentence decoder uses it.</summary>
    [JsonPropertyName("is_decoder")] public bool IsDecoder { get; init; }

    /// <summary>Adds <c>crossattention</c> to every layer, attending to encoder states.</summary>
    [JsonPropertyName("add_cross_attention")] public bool AddCrossAttention { get; init; }

    /// <summary>Whether the model has <c>pooler.dense</c> (HF <c>add_pooling_layer</c>; not a config.json field).</summary>
    [JsonIgnore] public bool AddPoolingLayer { get; init; } = true;

    [JsonIgnore] public int HeadDim => HiddenSize / NumAttentionHeads;

    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>Reads a Hugging Face <c>config.json</c>; unknown fields are ignored, missing ones keep the defaults.</summary>
    public static BertConfig Load(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new CxrVLException($"BERT config '{path}' not found: pass the config.json that came with the weights.");
        return InputFile.ReadJson<BertConfig>(path, ReadOptions, "BERT config").Validate(path);
    }

    /// <summary>Checks the sizes fit together; <paramref name="source"/> names the file in the error.</summary>
    public BertConfig Validate(string source = "BERT config")
    {
        if (HiddenSize <= 0 || NumAttentionHeads <= 0 || HiddenSize % NumAttentionHeads != 0)
            throw new CxrVLException($"{source}: hidden_size {HiddenSize} must be a positive multiple of num_attention_heads {NumAttentionHeads}.");
        if (VocabSize <= 0 || NumHiddenLayers < 0 || IntermediateSize <= 0 || MaxPositionEmbeddings <= 0 || TypeVocabSize <= 0)
            throw new CxrVLException($"{source}: vocab_size, intermediate_size, max_position_embeddings and type_vocab_size must be positive.");
        if (HiddenAct is not ("gelu" or "relu" or "gelu_new" or "gelu_pytorch_tanh"))
            throw new CxrVLException($"{source}: hidden_act '{HiddenAct}' is not supported: use gelu, gelu_new or relu.");
        return this;
    }
}
