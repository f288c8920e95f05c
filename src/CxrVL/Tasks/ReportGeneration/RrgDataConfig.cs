using System.ComponentModel.DataAnnotations;
using CxrVL.Data.Loading;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>The <c>data:</c> section of a report-generation recipe.</summary>
public sealed class RrgDataConfig
{
    /// <summary>Name in <see cref="Imaging.ImageRecipes"/>.</summary>
    public string ImageRecipe { get; set; } = "xpronet";

    /// <summary><c>frontal</c> (one view) or <c>pair</c> (frontal + lateral, IU X-Ray's two views).</summary>
    public StudyViews Views { get; set; } = StudyViews.Frontal;

    /// <summary>Report sections that form the target text (the seeds: findings only).</summary>
    public List<string> ReportSections { get; set; } = ["findings"];

    /// <summary>
    /// A .NET regular expression (case-insensitive): only sentences matching it are kept, e.g. those that describe the
    /// radiograph in a clinical note; a report with no matching sentence is kept whole. Empty keeps every sentence.
    /// </summary>
    public string KeepSentences { get; set; } = "";

    /// <summary>Cleaning recipe (<see cref="Text.Cleaning.ReportCleaners"/>): r2gen-iu, r2gen-mimic.</summary>
    public string Cleaner { get; set; } = "r2gen-iu";

    /// <summary>Words seen fewer times in the training reports become &lt;unk&gt; (3 for IU, 10 for MIMIC).</summary>
    [Range(0, int.MaxValue)]
    public int VocabThreshold { get; set; } = 3;

    /// <summary>Word ids per report including the begin and end markers, as R2Gen truncates (60 IU, 100 MIMIC).</summary>
    [Range(1, int.MaxValue)]
    public int MaxSeqLength { get; set; } = 60;

    public string TrainSplit { get; set; } = "train";

    /// <summary>Split for validation (loss and greedy BLEU-4); empty to train without validation.</summary>
    public string? ValSplit { get; set; } = "valid";

    public string TestSplit { get; set; } = "test";

    /// <summary>
    /// Where the prototype-selection labels come from at evaluation: <c>classifier</c> (the image classifier trained
    /// alongside; the default) or <c>report</c> (the labeler on the reference report: the seed's protocol, which leaks
    /// test-report information).
    /// </summary>
    public string EvalLabels { get; set; } = "classifier";

    /// <summary>
    /// Training and validation labels from XProNet's <c>labels_14.pickle</c> (study id to 14 labels, in the file's own
    /// class order) instead of <c>cxrvl label</c> on the target text; a study missing from the file is an error.
    /// </summary>
    public string? LabelsFile { get; set; }

    [Range(1, int.MaxValue)]
    public int Workers { get; set; } = 2;

    public bool SkipBad { get; set; }
}
