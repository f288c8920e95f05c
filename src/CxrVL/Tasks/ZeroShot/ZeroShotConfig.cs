namespace CxrVL.Tasks.ZeroShot;

/// <summary>A zero-shot task (<c>configs/zeroshot/*.yaml</c>): classes with prompts and label mappings.</summary>
public sealed class ZeroShotConfig
{
    public string Name { get; set; } = "zeroshot";

    /// <summary>Class name to prompts and labels, in output order.</summary>
    public Dictionary<string, ZeroShotClass> Classes { get; set; } = [];

    /// <summary>Bootstrap resamples for the 95% intervals (0: none).</summary>
    public int Bootstrap { get; set; } = 1000;
}
