using System.ComponentModel.DataAnnotations;
using CxrVL.Training;

namespace CxrVL.Tasks.Finetuning;

/// <summary>A fine-tuning recipe (<c>configs/finetune/&lt;task or recipe&gt;.yaml</c>).</summary>
public sealed class FinetuneConfig
{
    public string Name { get; set; } = "finetune";

    public FinetuneTask Task { get; set; } = FinetuneTask.Classify;

    public FinetuneMode Mode { get; set; } = FinetuneMode.Full;

    /// <summary>Training seeds run one after another (seed, seed + 1, ...); metrics are reported per seed and as mean ± std.</summary>
    [Range(1, int.MaxValue)]
    public int Seeds { get; set; } = 1;

    public FinetuneEncoderConfig Encoder { get; set; } = new();

    public FinetuneDataConfig Data { get; set; } = new();

    public FinetuneHeadConfig Head { get; set; } = new();

    public TrainingConfig Train { get; set; } = new();

    public FinetuneEvalConfig Eval { get; set; } = new();
}
