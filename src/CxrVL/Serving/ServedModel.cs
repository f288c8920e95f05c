namespace CxrVL.Serving;

/// <summary>One scored label and the number of prompts in its ensemble.</summary>
public sealed record ServedLabel(string Label, int Prompts);

/// <summary>The answer to <c>GET /v1/model</c>: what is loaded and what a request may send.</summary>
public sealed record ServedModel(
    string Method,
    string Engine,
    string ImageRecipe,
    int ImageSize,
    int EmbeddingDim,
    IReadOnlyList<ServedLabel> Labels,
    bool Saliency,
    string? ReportModel,
    int ReportViews,
    int IndexedReports,
    ServingLimits Limits,
    Provenance Provenance);
