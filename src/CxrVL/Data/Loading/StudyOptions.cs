using CxrVL.Imaging;
namespace CxrVL.Data.Loading;

/// <summary>What a study sample holds (YAML under <c>data.</c>): image recipe, views, report text, labels, masks, boxes.</summary>
public sealed class StudyOptions
{
    /// <summary>How images are decoded and transformed (<c>data.image_recipe</c> resolved in an <see cref="ImageRecipes"/> catalog).</summary>
    public ImageRecipe ImageRecipe { get; set; } = ImageRecipes.BuiltIn.Get("mgca");

    public StudyViews Views { get; set; } = StudyViews.Frontal;

    /// <summary>The frontal image of a <see cref="StudyViews.Frontal"/> sample and of a <see cref="StudyViews.Pair"/>'s first slot.</summary>
    public FrontalChoice FrontalChoice { get; set; } = FrontalChoice.First;

    /// <summary>Studies per sample with <see cref="StudyViews.Sequence"/>.</summary>
    public int SequenceLength { get; set; } = 2;

    /// <summary>Report sections joined with a space into the text that is encoded (<c>findings</c>, <c>impression</c>, <c>indication</c>, <c>comparison</c>, <c>full_text</c>).</summary>
    public List<string> ReportSections { get; set; } = ["impression", "findings"];

    /// <summary>A row whose chosen sections are all empty is a bad row (kind "empty report"); off for image-only tasks.</summary>
    public bool RequireReport { get; set; } = true;

    /// <summary>Token ids per report after truncation; batches are padded to their longest report.</summary>
    public int MaxTokens { get; set; } = 128;

    public int PadId { get; set; }

    /// <summary>Label names, in output order; the manifest's 1/0/-1 values, 0 with a false mask where a label is not mentioned.</summary>
    public List<string> Labels { get; set; } = [];

    /// <summary>Mask labels, one output channel each (several masks of one label are merged).</summary>
    public List<string> MaskLabels { get; set; } = [];

    /// <summary>Boxes per sample in the batch tensor (0: no boxes).</summary>
    public int MaxBoxes { get; set; }

    /// <summary>Box label names, giving the box label ids (-1 for others and for padding).</summary>
    public List<string> BoxLabels { get; set; } = [];
}
