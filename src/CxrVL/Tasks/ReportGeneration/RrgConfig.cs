using CxrVL.Generation;
using CxrVL.Generation.Decoding;
using CxrVL.Methods.XProNet;
using CxrVL.Training;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>A report-generation recipe (<c>configs/rrg/&lt;method&gt;.yaml</c>).</summary>
public sealed class RrgConfig
{
    public string Name { get; set; } = "rrg";

    /// <summary>xpronet or r2gen (see <see cref="ReportGenerationMethods"/>): the method of the model section.</summary>
    public string Method => Model.Method;

    public RrgDataConfig Data { get; set; } = new();

    /// <summary>The method's own section type (<see cref="ReportGenerationMethod.ConfigType"/>; <see cref="RrgRecipes"/> binds it); xpronet's when built in code.</summary>
    public ReportModelConfig Model { get; set; } = new XProNetConfig();

    public DecodingConfig Decoding { get; set; } = new();

    public TrainingConfig Train { get; set; } = new();

    public RrgEvalConfig Eval { get; set; } = new();
}
