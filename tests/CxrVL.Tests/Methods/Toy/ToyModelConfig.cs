using System.ComponentModel.DataAnnotations;
using CxrVL.Methods.Encoders;

namespace CxrVL.Tests.Methods.Toy;

/// <summary>The toy method's <c>model:</c> section: the shared encoders plus the two keys it reads.</summary>
public sealed class ToyModelConfig : PretrainModelConfig
{
    public override string Method => "toy";

    [Range(1, int.MaxValue)]
    public int EmbedDim { get; set; } = 16;

    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Temperature { get; set; } = 0.1;
}
