using System.ComponentModel.DataAnnotations;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Mgca;

namespace CxrVL.Methods.MedST;

/// <summary>
/// The <c>model:</c> section of medst: the encoders (a ViT image encoder), the global temperature, MGCA's heads and
/// word/patch alignment (<c>mgca:</c>, without MGCA's prototypes, which MedST does not use) and MedST's own constants.
/// </summary>
public sealed class MedstModelConfig : PretrainModelConfig
{
    public override string Method => "medst";

    /// <summary>Width of the shared embedding space (MedST 128).</summary>
    [Range(1, int.MaxValue)]
    public int EmbedDim { get; set; } = 512;

    /// <summary>Global InfoNCE temperature (fixed).</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Temperature { get; set; } = 0.07;

    /// <summary>Mean of both contrastive directions (CxrVL's convention) or their sum (MedST parity).</summary>
    public DirectionReduction DirectionReduction { get; set; } = DirectionReduction.Mean;

    public MgcaTokenAlignmentConfig Mgca { get; set; } = new();

    public MedstConfig Medst { get; set; } = new();
}
