using CxrVL.Generation;

namespace CxrVL.Methods.R2Gen;

/// <summary>
/// The <c>model:</c> section of r2gen: the shared visual extractor and transformer and the relational memory that
/// conditions every decoder norm (R2Gen's defaults: 3 slots, 8 heads, width d_model).
/// </summary>
public sealed class R2GenConfig : ReportModelConfig
{
    public const string Name = "r2gen";

    public override string Method => Name;

    /// <summary>Memory slots.</summary>
    public int RmNumSlots { get; set; } = 3;

    public int RmNumHeads { get; set; } = 8;

    public int RmDModel { get; set; } = 512;
}
