using System.ComponentModel.DataAnnotations;

namespace CxrVL.Methods.Encoders;

/// <summary>The image side of a dual encoder, as recipes write it (<c>model.image:</c>).</summary>
public sealed class ImageEncoderConfig
{
    /// <summary>resnet18, resnet50, resnet101, vit_t16, vit_s16 or vit_b16.</summary>
    public string Backbone { get; set; } = "resnet50";

    /// <summary>1 for grayscale stems (PRIOR), 3 for ImageNet-style stems.</summary>
    [Range(1, int.MaxValue)]
    public int InputChannels { get; set; } = 3;

    [Range(1, int.MaxValue)]
    public int ImageSize { get; set; } = 224;

    /// <summary>ResNet stage whose map gives the local features (GLoRIA and MGCA use 3; 4 is the last).</summary>
    [Range(1, 4)]
    public int LocalStage { get; set; } = 3;

    /// <summary>
    /// Initial weights of the backbone alone: a torchvision ResNet or timm ViT file (.pth, .pt, .safetensors, .onnx), a
    /// folder holding model.safetensors, or a package weight by name (resnet18-imagenet). Heads the file has and the
    /// encoder lacks (<c>fc</c>, <c>head</c>) are left out; every backbone key must be in the file.
    /// </summary>
    public string? Init { get; set; }

    /// <summary>ResNet blocks per stage; empty for the backbone's own (2-2-2-2 for resnet18). Set from <see cref="Init"/>'s file when it differs.</summary>
    public List<int> Layers { get; set; } = [];

    /// <summary>
    /// Leading stages kept at their initial weights and in evaluation mode, so BatchNorm keeps its statistics too: the
    /// ResNet stem and layer1..N (4 locks the whole backbone, as LiT locks the image tower), or the ViT patch embedding,
    /// position embeddings and blocks 0..N-1. A few hundred image-report pairs otherwise overwrite what the initial
    /// weights learnt from millions of images: on the quickstart's 272 pairs, training every stage lowered the linear
    /// probe's AUROC for COVID-19 against other pneumonia from the ImageNet weights' 0.85 to 0.63.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int FrozenStages { get; set; }

    /// <summary>ResNet activations in channels-last layout: faster convolutions on CPUs (bench/RESULTS.md), same weights and names.</summary>
    public bool ChannelsLast { get; set; }
}
