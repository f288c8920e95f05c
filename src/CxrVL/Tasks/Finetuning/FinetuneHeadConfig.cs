using System.ComponentModel.DataAnnotations;

namespace CxrVL.Tasks.Finetuning;

/// <summary>The <c>head:</c> section: the task head on top of the encoder and its loss weights.</summary>
public sealed class FinetuneHeadConfig
{
    /// <summary>Dropout before the classification layer.</summary>
    public double Dropout { get; set; }

    /// <summary>
    /// Classification layer start: null keeps PyTorch's Linear default; a value draws the weights from a normal of that
    /// standard deviation truncated to [-2, 2] (timm's <c>trunc_normal_</c>, as MRM's fine-tuning does with 2e-5) and zeroes
    /// the bias (timm's initialisation of a ViT head).
    /// </summary>
    public double? InitStd { get; set; }

    /// <summary>U-Net decoder widths, deepest first (segmentation-models-pytorch: 256, 128, 64, 32, 16).</summary>
    public List<int> DecoderChannels { get; set; } = [256, 128, 64, 32, 16];

    /// <summary>Width of the UperNet head (MRM: 768) and of the detector's feature pyramid.</summary>
    public int Channels { get; set; } = 256;

    /// <summary>Convolutions per FCOS tower (4 in FCOS).</summary>
    public int TowerConvs { get; set; } = 4;

    public double DiceWeight { get; set; } = 1.0;

    public double FocalWeight { get; set; } = 1.0;

    public double FocalAlpha { get; set; } = 0.25;

    public double FocalGamma { get; set; } = 2.0;

    /// <summary>
    /// MMSeg's two-class output for one mask label (MRM's SIIM): logits for background and the label, trained with
    /// focal loss on both channels against the one-hot target and Dice over their softmax (<see cref="DiceClassWeights"/>);
    /// a pixel belongs to the label where its logit exceeds the background's. False: one sigmoid channel per label.
    /// </summary>
    public bool BackgroundClass { get; set; }

    /// <summary>Dice weight of each class under <see cref="BackgroundClass"/>, background first (MRM: [0, 1], the background's Dice is ignored); empty: 1 each.</summary>
    public List<double> DiceClassWeights { get; set; } = [];

    /// <summary>
    /// MMSeg's auxiliary FCNHead on the third pyramid level (ViT block 8 at stride 16), trained with the main head's focal
    /// and Dice losses times this weight (MRM: 0.4, i.e. focal 0.8 and Dice 0.4); 0: no auxiliary head. Not used for
    /// predictions.
    /// </summary>
    [Range(0d, double.MaxValue)]
    public double AuxiliaryWeight { get; set; }

    /// <summary>Width of the auxiliary head's convolution (MMSeg's FCNHead: 256).</summary>
    [Range(1, int.MaxValue)]
    public int AuxiliaryChannels { get; set; } = 256;

    /// <summary>FCOS centre sampling radius in strides (0: any location inside the box is positive).</summary>
    public double CenterSampling { get; set; } = 1.5;
}
