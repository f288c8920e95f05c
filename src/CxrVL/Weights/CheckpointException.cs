namespace CxrVL.Weights;

/// <summary>A checkpoint that cannot be read: broken, truncated, of an unknown format, or referencing code we refuse to load.</summary>
public sealed class CheckpointException(string message) : CxrVLException(message);
