namespace CxrVL.Tasks.ZeroShot;

/// <summary>
/// One class of a zero-shot task: the prompts that describe it and what makes a row belong to it: one of its manifest
/// labels, its image's view, its manifest meta values. A row is in the class when it meets every criterion the class gives.
/// </summary>
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

    /// <summary>Manifest label names; a row meets this criterion when one of them is 1 for it.</summary>
    public List<string> Labels { get; set; } = [];

    /// <summary>View positions as the manifest spells them (upper case: PA, AP, AP SUPINE); a row meets this criterion when its first image has one.</summary>
    public List<string> Views { get; set; } = [];

    /// <summary>
    /// Values of the rows' meta columns (the COVID-19 collection's <c>intubation_present: [Y]</c>); a row meets this
    /// criterion when every listed column holds one of its values.
    /// </summary>
    public Dictionary<string, List<string>> Meta { get; set; } = [];
}
