using System.ComponentModel.DataAnnotations;

namespace CxrVL.Methods.Encoders;

/// <summary>The report side of a dual encoder (<c>model.text:</c>): a BERT configured from a Hugging Face config.json or inline.</summary>
public sealed class TextEncoderConfig
{
    /// <summary>
    /// Initial weights of the BERT: a Hugging Face model folder (config.json, model.safetensors or pytorch_model.bin,
    /// vocab.txt or tokenizer.json) or a package weight by name (minilm-l6). The encoder's sizes and its tokenizer then
    /// follow the folder (<see cref="ConfigJson"/> and <see cref="Tokenizer"/> are set from it).
    /// </summary>
    public string? Init { get; set; }

    /// <summary>Hugging Face config.json; when set it wins over the inline sizes below.</summary>
    public string? ConfigJson { get; set; }

    /// <summary>Tokenizer: a folder with vocab.txt, a vocab.txt, or a tokenizer.json. Relative paths are under the data root.</summary>
    public string Tokenizer { get; set; } = "bio-clinicalbert/vocab.txt";

    [Range(1, int.MaxValue)]
    public int Layers { get; set; } = 12;

    [Range(1, int.MaxValue)]
    public int Hidden { get; set; } = 768;

    [Range(1, int.MaxValue)]
    public int Heads { get; set; } = 12;

    [Range(1, int.MaxValue)]
    public int Intermediate { get; set; } = 3072;

    [Range(1, int.MaxValue)]
    public int MaxLength { get; set; } = 112;

    /// <summary>The report's global feature: <c>cls</c> (the seeds') or <c>mean</c> (the masked mean of the token states, as sentence-transformers pool).</summary>
    public TextPooling Pooling { get; set; } = TextPooling.Cls;

    /// <summary>
    /// When set, a WordPiece vocabulary of this many tokens ([PAD] [UNK] [CLS] [MASK] first) is trained on the training
    /// reports when a run starts (MRM: 30,000) and kept in the run folder as tokenizer.json; <see cref="Tokenizer"/> is not read.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int? TrainVocabulary { get; set; }
}
