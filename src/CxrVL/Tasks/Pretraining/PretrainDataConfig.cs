using System.ComponentModel.DataAnnotations;

namespace CxrVL.Tasks.Pretraining;

/// <summary>The <c>data:</c> section of a pretraining recipe.</summary>
public sealed class PretrainDataConfig
{
    /// <summary>Name in the methods' <see cref="Imaging.ImageRecipes"/>.</summary>
    public string ImageRecipe { get; set; } = "mgca";

    /// <summary>
    /// Cleaning recipe (a name in the methods' <c>ReportCleaners</c>) applied to every report and prompt before
    /// <see cref="ReportPrefix"/> and tokenising, in training and evaluation alike; null: the text as written. A recipe
    /// that names none gets its method's default.
    /// </summary>
    public string? Cleaner { get; set; }

    /// <summary>Report sections joined into the text each image is paired with.</summary>
    public List<string> ReportSections { get; set; } = ["impression", "findings"];

    public string TrainSplit { get; set; } = "train";

    /// <summary>Split used for validation; empty or null to train without validation.</summary>
    public string? ValSplit { get; set; } = "valid";

    /// <summary>Text put before every report before tokenising (MRM: "[CLS] ", its vocabulary has no post-processor).</summary>
    public string ReportPrefix { get; set; } = "";

    [Range(1, int.MaxValue)]
    public int Workers { get; set; } = 2;

    /// <summary>Skip rows with a missing or corrupt image or an empty report (counted and reported) instead of failing.</summary>
    public bool SkipBad { get; set; }
}
