using CxrVL.Generation;
using CxrVL.Generation.Decoding;
using CxrVL.Training;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>A report-generation recipe (<c>configs/rrg/&lt;method&gt;.yaml</c>).</summary>
public sealed class RrgConfig
{
    public string Name { get; set; } = "rrg";

    /// <summary>xpronet or r2gen (see <see cref="ReportGenerationMethods"/>).</summary>
    public string Method { get; set; } = "xpronet";

    public RrgDataConfig Data { get; set; } = new();

    public ReportModelConfig Model { get; set; } = new();

    public DecodingConfig Decoding { get; set; } = new();

    public TrainingConfig Train { get; set; } = new();

    public RrgEvalConfig Eval { get; set; } = new();
}
