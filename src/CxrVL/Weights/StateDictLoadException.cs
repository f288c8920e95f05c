namespace CxrVL.Weights;

/// <summary>A strict load found missing or unexpected keys or shape mismatches; nothing was copied into the module.</summary>
public sealed class StateDictLoadException(string message, LoadReport report) : CxrVLException(message)
{
    public LoadReport Report { get; } = report;
}
