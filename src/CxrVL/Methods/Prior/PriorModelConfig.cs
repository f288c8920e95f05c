using System.ComponentModel.DataAnnotations;
using CxrVL.Methods.Encoders;

namespace CxrVL.Methods.Prior;

/// <summary>The <c>model:</c> section of prior: the encoders, the embedding width, the global temperature and PRIOR's own constants.</summary>
public sealed class PriorModelConfig : PretrainModelConfig
{
    public override string Method => "prior";

    /// <summary>Width of the shared embedding space; PRIOR's sentence decoder is a BERT of this width (the text encoder's).</summary>
    [Range(1, int.MaxValue)]
    public int EmbedDim { get; set; } = 512;

    /// <summary>Initial temperature of the global InfoNCE (learned).</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Temperature { get; set; } = 0.07;

    public PriorConfig Prior { get; set; } = new();
}
