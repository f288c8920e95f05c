using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Training;

namespace CxrVL.Tasks.Pretraining;

/// <summary>A pretraining recipe (<c>configs/pretrain/&lt;method&gt;.yaml</c>), loaded with <see cref="PretrainRecipes.Load"/>.</summary>
public sealed class PretrainConfig
{
    public string Name { get; set; } = "pretrain";

    /// <summary>The method, as its <c>model:</c> section's type names it: the two cannot disagree.</summary>
    public string Method => Model.Method;

    public PretrainDataConfig Data { get; set; } = new();

    /// <summary>The method's own section type (<see cref="PretrainingMethodDescriptor.ConfigType"/>); clip's when built in code.</summary>
    public PretrainModelConfig Model { get; set; } = new ClipModelConfig();

    public TrainingConfig Train { get; set; } = new();
}
