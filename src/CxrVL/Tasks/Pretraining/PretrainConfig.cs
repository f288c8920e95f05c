using CxrVL.Methods.Encoders;
using CxrVL.Training;

namespace CxrVL.Tasks.Pretraining;

/// <summary>A pretraining recipe (<c>configs/pretrain/&lt;method&gt;.yaml</c>).</summary>
public sealed class PretrainConfig
{
    public string Name { get; set; } = "pretrain";

    /// <summary>clip, gloria, mgca or mrm (see <see cref="PretrainingMethods"/>).</summary>
    public string Method { get; set; } = "clip";

    public PretrainDataConfig Data { get; set; } = new();

    public AlignmentConfig Model { get; set; } = new();

    public TrainingConfig Train { get; set; } = new();
}
