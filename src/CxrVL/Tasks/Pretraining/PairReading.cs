using CxrVL.Imaging;
using CxrVL.Text.Cleaning;

namespace CxrVL.Tasks.Pretraining;

/// <summary>
/// How a pretraining run reads its pairs, the recipe's names resolved in a methods catalog: the image recipe, and the text
/// every report and prompt becomes before tokenising (cleaned by <c>data.cleaner</c>, then <c>data.report_prefix</c>), the
/// same in training and in evaluation.
/// </summary>
public sealed class PairReading
{
    private readonly IReportCleaner? _cleaner;
    private readonly string _prefix;

    private PairReading(ImageRecipe imageRecipe, IReportCleaner? cleaner, string prefix)
    {
        ImageRecipe = imageRecipe;
        _cleaner = cleaner;
        _prefix = prefix;
    }

    public ImageRecipe ImageRecipe { get; }

    public static PairReading Of(PretrainDataConfig data, PretrainingMethods methods) =>
        new(methods.ImageRecipes.Get(data.ImageRecipe), data.Cleaner is { } cleaner ? methods.ReportCleaners.Create(cleaner) : null, data.ReportPrefix);

    /// <summary>A report or prompt as the model reads it (a missing report reads as empty).</summary>
    public string Text(string? report)
    {
        var text = report ?? "";
        return _prefix + (_cleaner is null ? text : _cleaner.Clean(text).Text);
    }
}
