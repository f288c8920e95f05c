namespace CxrVL.Tasks.ZeroShot;

/// <summary>A zero-shot task (<c>configs/zeroshot/*.yaml</c>): classes with prompts and label mappings.</summary>
public sealed class ZeroShotConfig
{
    public string Name { get; set; } = "zeroshot";

    /// <summary>Class name to prompts and labels, in output order.</summary>
    public Dictionary<string, ZeroShotClass> Classes { get; set; } = [];

    /// <summary>GLoRIA's CheXpert prompt vocabulary (JSON, <c>CHEXPERT_CLASS_PROMPTS</c>) for classes with <c>vocabulary:</c>; relative paths are under the data root.</summary>
    public string PromptVocabulary { get; set; } = "gloria-prompts/chexpert_class_prompts.json";

    /// <summary>When above 0, each class keeps a seeded sample of this many of its composed prompts (GLoRIA samples 5 per class); written prompts are always kept.</summary>
    public int PromptsPerClass { get; set; }

    /// <summary>When set, the prompt of a class that has none (written, composed or from the vocabulary); {0} is the class name (PRIOR's "&lt;Class&gt; is observed").</summary>
    public string? PromptTemplate { get; set; }

    /// <summary>
    /// The image recipe a checkpoint of a given method reads this task's images with (PRIOR's zero-shot normalises CheXpert
    /// with CheXpert's own statistics: <c>prior: prior-chexpert</c>); other methods use their checkpoint's recipe. A recipe
    /// whose size or channels differ from the checkpoint's is not used (the run says so).
    /// </summary>
    public Dictionary<string, string> ImageRecipeByMethod { get; set; } = [];

    /// <summary>Bootstrap resamples for the 95% intervals (0: none).</summary>
    public int Bootstrap { get; set; } = 1000;
}
