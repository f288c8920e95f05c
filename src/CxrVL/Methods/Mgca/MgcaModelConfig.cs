using System.ComponentModel.DataAnnotations;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;

namespace CxrVL.Methods.Mgca;

/// <summary>The <c>model:</c> section of mgca: the encoders, the instance-level temperature and MGCA's own constants.</summary>
public sealed class MgcaModelConfig : PretrainModelConfig
{
    public override string Method => "mgca";

    /// <summary>Width of the shared embedding space (MGCA 128).</summary>
    [Range(1, int.MaxValue)]
    public int EmbedDim { get; set; } = 512;

    /// <summary>Instance-level InfoNCE temperature (fixed).</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Temperature { get; set; } = 0.07;

    /// <summary>Mean of both contrastive directions (CxrVL's convention) or their sum (MGCA parity).</summary>
    public DirectionReduction DirectionReduction { get; set; } = DirectionReduction.Mean;

    public MgcaConfig Mgca { get; set; } = new();
}
