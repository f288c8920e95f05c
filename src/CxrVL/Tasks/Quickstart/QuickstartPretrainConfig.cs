namespace CxrVL.Tasks.Quickstart;

/// <summary>The <c>pretrain:</c> section of the quickstart recipe: the method's recipe, overlays and overrides, and the time budget.</summary>
public sealed class QuickstartPretrainConfig
{
    public double Minutes { get; set; } = 5;

    /// <summary>
    /// Optimizer steps of a short timing run before pretraining (0: none). The measured time per step sets
    /// <c>train.max_steps</c> to what fits in the remaining budget, so schedules and stages fit the machine's speed.
    /// </summary>
    public int CalibrationSteps { get; set; } = 4;

    /// <summary>Recipes overlaid on <c>pretrain/&lt;method&gt;</c> for every method (e.g. the small-CPU overlay).</summary>
    public List<string> Recipes { get; set; } = ["pretrain/small"];

    /// <summary>Extra overlays per method, after <see cref="Recipes"/>.</summary>
    public Dictionary<string, List<string>> MethodRecipes { get; set; } = [];

    /// <summary><c>key=value</c> overrides of the pretraining recipe, applied last.</summary>
    public List<string> Set { get; set; } = [];
}
