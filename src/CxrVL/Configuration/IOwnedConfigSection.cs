namespace CxrVL.Configuration;

/// <summary>
/// A configuration section that belongs to one component (a method's <c>model:</c> section): an unknown key in it is
/// reported as a key that component does not read, which is what the user needs to know.
/// </summary>
public interface IOwnedConfigSection
{
    /// <summary>The owner as the error names it, for example <c>method gloria</c>.</summary>
    string Owner { get; }
}
