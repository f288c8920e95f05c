using System.ComponentModel.DataAnnotations;
using CxrVL.Data.Builders;

namespace CxrVL.Tasks.Finetuning;

/// <summary>The <c>data:</c> section of a fine-tuning recipe: images, targets, label policies, the data fraction.</summary>
public sealed class FinetuneDataConfig
{
    /// <summary>Name in <see cref="Imaging.ImageRecipes"/>; null takes the pretraining run's recipe, else <c>mgca</c>.</summary>
    public string? ImageRecipe { get; set; }

    /// <summary>
    /// Where class targets come from: <c>labels</c> (the manifest's label map), <c>view</c> (the image's view position) or
    /// <c>meta.KEY</c> (a source field such as <c>meta.finding</c>).
    /// </summary>
    public string Target { get; set; } = "labels";

    /// <summary>Label (or class) names, in output order; <c>--labels</c>.</summary>
    public List<string> Labels { get; set; } = [];

    public ClassificationHeadKind Head { get; set; } = ClassificationHeadKind.Auto;

    /// <summary>Uncertain (-1) labels: ignore (masked out of loss and metrics), ones or zeros.</summary>
    public UncertainPolicy Uncertain { get; set; } = UncertainPolicy.Ignore;

    /// <summary>A label the row's map does not mention is negative (CheXpert/NIH/COVID convention); false masks it out.</summary>
    public bool UnmentionedIsNegative { get; set; } = true;

    /// <summary>Rows whose label map is empty (COVID's <c>finding: todo</c>) are left out; with a single-field target, rows whose value is not among the labels.</summary>
    public bool SkipUnlabelled { get; set; } = true;

    /// <summary>Class name for values outside <see cref="Labels"/> with a single-field target (e.g. <c>other</c>); null leaves those rows out.</summary>
    public string? OtherClass { get; set; }

    /// <summary>Share of the training split used: 0.01, 0.1 or 1 (any whole percent).</summary>
    [Range(0d, 1d, MinimumIsExclusive = true)]
    public double Fraction { get; set; } = 1.0;

    /// <summary>Seed of the fraction ranking; the same seed gives the same, nested subsets for every run and training seed.</summary>
    public int FractionSeed { get; set; }

    /// <summary>Oversample training rows so every class (multi-class) or positive-label combination is seen equally often.</summary>
    public bool BalancedSampling { get; set; }

    /// <summary>Segmentation targets: mask labels, one output channel each.</summary>
    public List<string> MaskLabels { get; set; } = ["Left Lung", "Right Lung"];

    /// <summary>Detection targets: box labels, one category each.</summary>
    public List<string> BoxLabels { get; set; } = ["Left Lung", "Right Lung"];

    [Range(1, int.MaxValue)]
    public int MaxBoxes { get; set; } = 8;

    /// <summary>Segmentation and detection keep only images annotated with at least one of the labels (unannotated is not empty); false keeps all (RSNA negatives).</summary>
    public bool RequireAnnotations { get; set; } = true;

    public string TrainSplit { get; set; } = "train";

    public string ValSplit { get; set; } = "valid";

    public string TestSplit { get; set; } = "test";

    [Range(1, int.MaxValue)]
    public int Workers { get; set; } = 2;

    public bool SkipBad { get; set; }
}
