namespace CxrVL.Evaluation.Labeling;

/// <summary>Builds the labeler a command or recipe names.</summary>
public static class ReportLabelers
{
    public static IReportLabeler Create(LabelerOptions options) => options.Kind switch
    {
        LabelerKind.Rules when !string.IsNullOrEmpty(options.Weights) =>
            throw new CxrVLException($"the rule-based labeler takes no weights ('{options.Weights}' was given); use the labeler chexbert with them, or drop the weights."),
        LabelerKind.Rules => ChexpertLabeler.FromDataRoot(),
        _ => ChexbertLabeler.Load(options.Weights, options.BatchSize),
    };

    /// <summary>Reads <c>rules</c> or <c>chexbert</c> (any case).</summary>
    public static LabelerKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "rules" => LabelerKind.Rules,
        "chexbert" => LabelerKind.Chexbert,
        _ => throw new CxrVLException($"unknown labeler '{name}': use rules (the rule-based CheXpert labeler) or chexbert (CheXbert, with chexbert.pth from {ChexbertLabeler.PublishedAt})."),
    };
}
