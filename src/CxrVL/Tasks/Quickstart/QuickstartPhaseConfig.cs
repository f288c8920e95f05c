namespace CxrVL.Tasks.Quickstart;

/// <summary>A downstream phase of the quickstart: its time budget, its recipes (overlaid in order) and overrides.</summary>
public sealed class QuickstartPhaseConfig
{
    public double Minutes { get; set; } = 1;

    /// <summary>Recipes of the phase's own command (e.g. <c>rrg/xpronet</c>, <c>rrg/small</c>), overlaid in order.</summary>
    public List<string> Recipes { get; set; } = [];

    /// <summary><c>key=value</c> overrides of the phase's recipe, applied last.</summary>
    public List<string> Set { get; set; } = [];
}
