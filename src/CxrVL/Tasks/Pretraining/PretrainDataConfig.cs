using System.ComponentModel.DataAnnotations;
using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;

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

    /// <summary>The split trained on, or <see cref="AllSplits"/> for every row whatever its split.</summary>
    public string TrainSplit { get; set; } = "train";

    /// <summary>
    /// <see cref="TrainSplit"/> value for every split, test included: PRIOR's builder walks every MIMIC-CXR study and has
    /// no split, so its released model saw the test studies. A manifest's test split is then not held out from the encoder.
    /// </summary>
    public const string AllSplits = "all";

    /// <summary>Which frontal image of a study is paired with its report (PRIOR: a random one on each read).</summary>
    public FrontalChoice FrontalChoice { get; set; } = FrontalChoice.First;

    /// <summary>Split used for validation; empty or null to train without validation.</summary>
    public string? ValSplit { get; set; } = "valid";

    /// <summary>Text put before every report before tokenising (MRM: "[CLS] ", its vocabulary has no post-processor).</summary>
    public string ReportPrefix { get; set; } = "";

    [Range(1, int.MaxValue)]
    public int Workers { get; set; } = 2;

    /// <summary>Skip rows with a missing or corrupt image or an empty report (counted and reported) instead of failing.</summary>
    public bool SkipBad { get; set; }

    public bool IsTrainRow(ManifestRow row) => TrainSplit == AllSplits || row.Split == TrainSplit;
}
