namespace CxrVL.Configuration;

/// <summary>A configuration error: an unknown key, a value of the wrong type, a malformed override.</summary>
public sealed class ConfigException(string message) : CxrVLException(message);
