namespace CxrVL.Weights;

/// <summary>One step of a <see cref="KeyMap"/>.</summary>
public sealed record KeyMapRule(KeyMapAction Action, string From, string To = "")
{
    public override string ToString() => Action switch
    {
        KeyMapAction.Rename => $"rename:{From}={To}",
        KeyMapAction.Regex => $"re:{From}={To}",
        _ => $"{Action.ToString().ToLowerInvariant()}:{From}",
    };
}
