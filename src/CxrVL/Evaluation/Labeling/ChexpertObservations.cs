namespace CxrVL.Evaluation.Labeling;

/// <summary>The 14 CheXpert observations in the labeler's column order, and the label values it writes.</summary>
public static class ChexpertObservations
{
    public const string NoFinding = "No Finding";
    public const string EnlargedCardiomediastinum = "Enlarged Cardiomediastinum";
    public const string Cardiomegaly = "Cardiomegaly";
    public const string SupportDevices = "Support Devices";

    public const int Positive = 1;
    public const int Negative = 0;
    public const int Uncertain = -1;

    public static readonly IReadOnlyList<string> Names =
    [
        NoFinding, EnlargedCardiomediastinum, Cardiomegaly, "Lung Lesion", "Lung Opacity", "Edema", "Consolidation",
        "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion", "Pleural Other", "Fracture", SupportDevices,
    ];

    /// <summary>Observation name of a phrase file: <c>lung_opacity.txt</c> is "Lung Opacity".</summary>
    public static string FromFileName(string path)
    {
        var words = Path.GetFileNameWithoutExtension(path).Split('_', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
    }
}
