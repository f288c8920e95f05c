using CxrVL.Training;

namespace CxrVL.Tasks.Finetuning;

/// <summary>A seed whose training diverged: it has no test metrics, only the step and what was not finite.</summary>
public sealed record SeedDivergence(int Seed, TrainingDivergence Divergence)
{
    /// <summary>"diverged at step 12 (seed 0)": what a results row shows instead of numbers.</summary>
    public string Describe() => $"diverged at step {Divergence.Step} (seed {Seed})";
}
