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

    /// <summary>ResNet activations in channels-last layout: faster convolutions on CPUs (bench/RESULTS.md), same weights and names.</summary>
    public bool ChannelsLast { get; set; }
}
