using System.ComponentModel.DataAnnotations;
using CxrVL.Training.Optimizers;
using CxrVL.Training.Schedules;

namespace CxrVL.Training;

/// <summary>One stage of a multi-stage run; unset optimizer or schedule inherit the <c>train:</c> section's.</summary>
public sealed class StageConfig
{
    public string Name { get; set; } = "";

    [Range(1, int.MaxValue)]
    public int Epochs { get; set; } = 1;

    public OptimizerConfig? Optimizer { get; set; }

    public ScheduleConfig? Schedule { get; set; }

    /// <summary>Weights of the method's loss terms in this stage, by term name.</summary>
    public Dictionary<string, double> LossWeights { get; set; } = [];
}
