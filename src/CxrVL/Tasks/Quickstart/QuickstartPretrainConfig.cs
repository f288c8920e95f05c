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

    /// <summary>Recipes overlaid on <c>pretrain/&lt;method&gt;</c> (e.g. the small-CPU overlay), for methods not in <see cref="MethodRecipes"/>.</summary>
    public List<string> Recipes { get; set; } = ["pretrain/small"];

    /// <summary>A method's own overlays, used instead of <see cref="Recipes"/> (e.g. <c>prior: [pretrain/prior-small]</c>).</summary>
    public Dictionary<string, List<string>> MethodRecipes { get; set; } = [];

    /// <summary><c>key=value</c> overrides of the pretraining recipe, applied last.</summary>
    public List<string> Set { get; set; } = [];
}
