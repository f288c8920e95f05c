namespace CxrVL.Tasks.ZeroShot;

/// <summary>One class of a zero-shot task: the prompts that describe it and the manifest labels that make a row belong to it.</summary>
public sealed class ZeroShotClass
{
    public List<string> Prompts { get; set; } = [];

    /// <summary>
    /// Word lists whose every combination, one entry from each list in order, is a prompt (GLoRIA's severity x subtype x
    /// location templates); empty entries are left out of the sentence.
    /// </summary>
    public List<List<string>> Compose { get; set; } = [];

    /// <summary>A class of the recipe's <c>prompt_vocabulary</c> file whose severity, subtype and location lists are composed (e.g. Atelectasis).</summary>
    public string? Vocabulary { get; set; }

    /// <summary>Manifest label names; a row is in this class when one of them is 1 for it.</summary>
    public List<string> Labels { get; set; } = [];
}
