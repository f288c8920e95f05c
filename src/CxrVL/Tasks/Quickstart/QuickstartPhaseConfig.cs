namespace CxrVL.Tasks.Quickstart;

/// <summary>A downstream phase of the quickstart: its time budget and overrides of its own recipe.</summary>
public sealed class QuickstartPhaseConfig
{
    public double Minutes { get; set; } = 1;

    /// <summary><c>key=value</c> overrides of the phase's recipe.</summary>
    public List<string> Set { get; set; } = [];
}
