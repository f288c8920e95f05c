using System.ComponentModel.DataAnnotations;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;

namespace CxrVL.Methods.Gloria;

/// <summary>
/// The <c>model:</c> section of gloria. Its global InfoNCE is scaled by <c>gloria.gamma3</c>, so it has no temperature
/// key of its own.
/// </summary>
public sealed class GloriaModelConfig : PretrainModelConfig
{
    public override string Method => "gloria";

    /// <summary>Width of the shared embedding space (GLoRIA 768).</summary>
    [Range(1, int.MaxValue)]
    public int EmbedDim { get; set; } = 512;

    /// <summary>Mean of both contrastive directions (CxrVL's convention) or their sum (GLoRIA parity).</summary>
    public DirectionReduction DirectionReduction { get; set; } = DirectionReduction.Mean;

    public GloriaConfig Gloria { get; set; } = new();
}
