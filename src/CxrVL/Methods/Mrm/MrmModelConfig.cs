using CxrVL.Methods.Encoders;

namespace CxrVL.Methods.Mrm;

/// <summary>The <c>model:</c> section of mrm: the ViT encoder (<c>image</c>), the report model (<c>text</c>) and MRM's decoder and masking.</summary>
public sealed class MrmModelConfig : PretrainModelConfig
{
    public override string Method => "mrm";

    public MrmConfig Mrm { get; set; } = new();
}
