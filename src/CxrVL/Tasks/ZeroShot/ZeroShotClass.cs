namespace CxrVL.Tasks.ZeroShot;

/// <summary>One class of a zero-shot task: the prompts that describe it and the manifest labels that make a row belong to it.</summary>
public sealed class ZeroShotClass
{
    public List<string> Prompts { get; set; } = [];

    /// <summary>Manifest label names; a row is in this class when one of them is 1 for it.</summary>
    public List<string> Labels { get; set; } = [];
}
