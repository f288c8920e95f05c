using System.ComponentModel.DataAnnotations;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;

namespace CxrVL.Methods.Clip;

/// <summary>The <c>model:</c> section of clip: the encoders, the projection heads and the InfoNCE temperature.</summary>
public sealed class ClipModelConfig : PretrainModelConfig
{
    public override string Method => "clip";

    /// <summary>Width of the shared embedding space (CLIP/ConVIRT 512).</summary>
    [Range(1, int.MaxValue)]
    public int EmbedDim { get; set; } = 512;

    /// <summary>Global projection heads (CLIP's linear maps by default).</summary>
    public ProjectionConfig Projection { get; set; } = new();

    /// <summary>Global InfoNCE temperature (the initial one when learned).</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Temperature { get; set; } = 0.07;

    public bool LearnTemperature { get; set; } = true;

    /// <summary>Mean of both contrastive directions (CxrVL's convention) or their sum.</summary>
    public DirectionReduction DirectionReduction { get; set; } = DirectionReduction.Mean;
}
