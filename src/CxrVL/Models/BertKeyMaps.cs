using CxrVL.Weights;

namespace CxrVL.Models;

/// <summary>Key maps from Hugging Face BERT checkpoints (<c>pytorch_model.bin</c>) to <see cref="BertModel"/> and <see cref="BertForMaskedLM"/>.</summary>
public static class BertKeyMaps
{
    /// <summary>
    /// A <c>BertForPreTraining</c>/<c>BertForMaskedLM</c> checkpoint (Bio_ClinicalBERT's) into a bare
    /// <see cref="BertModel"/>: keeps <c>bert.*</c> without the prefix, drops the <c>cls.*</c> heads and the
    /// <c>position_ids</c> buffer that older transformers versions saved.
    /// </summary>
    public static KeyMap Encoder { get; } = KeyMap.Identity
        .DropPrefix("cls.")
        .StripPrefix("bert.")
        .DropPrefix("embeddings.position_ids");

    /// <summary>
    /// A masked-LM checkpoint into <see cref="BertForMaskedLM"/>: drops <c>cls.predictions.decoder.*</c> (a copy of the
    /// tied word embeddings; the decoder's bias is <c>cls.predictions.bias</c>), the next-sentence head
    /// <c>cls.seq_relationship</c>, the unused pooler and the <c>position_ids</c> buffer.
    /// </summary>
    public static KeyMap MaskedLm { get; } = KeyMap.Identity
        .DropPrefix("cls.predictions.decoder.")
        .DropPrefix("cls.seq_relationship.")
        .DropPrefix("bert.pooler.")
        .DropPrefix("bert.embeddings.position_ids");
}
