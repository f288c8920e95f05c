using System.ComponentModel.DataAnnotations;
using CxrVL.Models;

namespace CxrVL.Tasks.Finetuning;

/// <summary>The <c>encoder:</c> section: where the image encoder comes from and which of it trains.</summary>
public sealed class FinetuneEncoderConfig
{
    /// <summary>
    /// <c>random</c> (a fresh <see cref="Backbone"/>), a <c>cxrvl pretrain</c> run folder or checkpoint (its image encoder;
    /// architecture from the run's config.yaml), a package weight by name (<c>resnet18-imagenet</c>), or a weights file
    /// (ImageNet or official: torchvision / timm names, classifier heads dropped, loaded strictly after <see cref="KeyMap"/>).
    /// </summary>
    public string Source { get; set; } = "random";

    /// <summary>resnet18, resnet50, resnet101, vit_s16 or vit_b16 (for <c>random</c> and weights files).</summary>
    public string Backbone { get; set; } = "resnet50";

    [Range(1, int.MaxValue)]
    public int InputChannels { get; set; } = 3;

    [Range(1, int.MaxValue)]
    public int ImageSize { get; set; } = 224;

    /// <summary>
    /// ResNet blocks per stage of a <c>random</c> encoder; empty for the backbone's own. Weights files and runs bring
    /// theirs (resnet18-imagenet has 2-2-2-3), so a random baseline of the same architecture sets it.
    /// </summary>
    public List<int> Layers { get; set; } = [];

    /// <summary>Key map rules applied to a weights file before the strict load (see <c>cxrvl weights convert --map</c>).</summary>
    public string? KeyMap { get; set; }

    /// <summary>
    /// How a ViT pools its tokens: <c>class_token</c> (after the final <c>norm</c>) or <c>average</c> (mean of the patch
    /// tokens, then a fresh <c>fc_norm</c>; the checkpoint's <c>norm</c> is dropped, as MAE and MRM fine-tune).
    /// </summary>
    public VitPooling Pooling { get; set; } = VitPooling.ClassToken;

    /// <summary>Stochastic depth rate of ViT blocks (MRM fine-tunes with 0.1).</summary>
    [Range(0d, 1d, MaximumIsExclusive = true)]
    public double DropPath { get; set; }

    /// <summary>Leading stages kept frozen in full fine-tuning: ResNet stem + layer1..layerN, or ViT patch embedding + blocks 1..N.</summary>
    [Range(0, int.MaxValue)]
    public int FrozenStages { get; set; }

    /// <summary>
    /// BEiT's relative position bias in every ViT block (MRM's SIIM backbone, a BEiT subclass): tables start at zero,
    /// as no MRM or MAE checkpoint holds them.
    /// </summary>
    public bool RelativePositionBias { get; set; }

    /// <summary>BEiT's layer scale on every ViT block's two branches, starting at this value (MRM's SIIM backbone: 1.0); null: none.</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double? LayerScale { get; set; }

    /// <summary>ViT blocks (1-based) whose tokens feed the segmentation and detection pyramids (UperNet: 4, 6, 8, 12).</summary>
    public List<int> VitBlocks { get; set; } = [4, 6, 8, 12];
}
