namespace CxrVL.Methods.Mrm;

/// <summary>
/// MRM's constants (<c>model.mrm:</c>): the image decoder that predicts the high-resolution image from the masked
/// low-resolution one, and the masking of both modalities. The encoder is <c>model.image</c> (a ViT); the report
/// model is <c>model.text</c>.
/// </summary>
public sealed class MrmConfig
{
    /// <summary>Share of the encoder's patches removed per image (MAE/MRM 0.75).</summary>
    public double MaskRatio { get; set; } = 0.75;

    /// <summary>Side of the image the decoder reconstructs (the data recipe's output); the encoder sees it resized to <c>model.image.image_size</c>.</summary>
    public int TargetImageSize { get; set; } = 448;

    public int DecoderDim { get; set; } = 768;

    public int DecoderDepth { get; set; } = 4;

    public int DecoderHeads { get; set; } = 6;

    /// <summary>Normalise each target patch by its own mean and variance before the MSE.</summary>
    public bool NormPixLoss { get; set; } = true;

    /// <summary>Probability that a whole word of the report is replaced by [MASK].</summary>
    public double TextMaskProbability { get; set; } = 0.5;

    public MlmLossPositions MlmLossOn { get; set; } = MlmLossPositions.Masked;

    /// <summary>Id of [MASK]: 3 in MRM's vocabularies and in the ones CxrVL trains ([PAD] [UNK] [CLS] [MASK]).</summary>
    public int MaskTokenId { get; set; } = 3;
}
