namespace CxrVL.Methods.MedST;

/// <summary>
/// MedST's constants (<c>model.medst:</c>); the heads, local temperature and bidirectionality come from
/// <c>model.mgca</c>, the global temperature from <c>model.temperature</c>.
/// </summary>
public sealed class MedstConfig
{
    /// <summary>Studies per temporal sequence (a patient's studies in time order, cut into chunks of this length).</summary>
    public int SequenceLength { get; set; } = 4;

    /// <summary>Temperature of the cycle-consistency similarities -||a - b||^2 / temperature.</summary>
    public double TemporalTemperature { get; set; } = 0.1;

    public double VarianceLambda { get; set; } = 0.001;

    public double HuberDelta { get; set; } = 2;

    /// <summary>Weight of the global InfoNCE (lambda1).</summary>
    public double GlobalWeight { get; set; } = 1;

    /// <summary>Weight of the weighted word/patch alignment (lambda2).</summary>
    public double LocalWeight { get; set; } = 1;

    /// <summary>Weight of the temporal cycle consistency (lambda3).</summary>
    public double TemporalWeight { get; set; } = 1;

    /// <summary>Use the lateral images (multi-view MoVE input); false trains frontal-only.</summary>
    public bool Lateral { get; set; } = true;

    /// <summary>
    /// Leave the patch tokens of a missing lateral image (a zero image fed in its place) out of the local alignment, as
    /// context and as queries. MedST's released code aligns all 392 patch tokens of every study (<c>false</c>).
    /// </summary>
    public bool ExcludeMissingLateralPatches { get; set; } = true;
}
