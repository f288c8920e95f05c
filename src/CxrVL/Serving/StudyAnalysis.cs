namespace CxrVL.Serving;

/// <summary>One label's zero-shot score: the cosine similarity of the image and the label's prompt ensemble, as <c>cxrvl zeroshot</c> computes it.</summary>
public sealed record LabelScore(string Label, double Score);

/// <summary>A report of the index and its similarity to the study's image.</summary>
public sealed record NearestReport(string StudyId, string Text, double Similarity);

/// <summary>Where the image's similarity to one label is most sensitive, over the image as the model saw it (PNG, base64).</summary>
public sealed record LabelSaliency(string Label, string PngBase64);

/// <summary>An uploaded image as its header describes it.</summary>
public sealed record ImageSummary(string Format, int Width, int Height);

/// <summary>What produced the answer: the weights (sha256), the recipes and the engine.</summary>
public sealed record Provenance(
    string Method,
    string CheckpointSha256,
    string ImageRecipe,
    string ZeroShotRecipe,
    string Engine,
    string? ReportModelSha256,
    string? ReportIndex,
    string CxrVLVersion);

/// <summary>Milliseconds spent in each part of one study's analysis.</summary>
public sealed record StudyTimings(double DecodeMs, double EmbedMs, double ScoreMs, double? SaliencyMs, double? NearestMs, double? ReportMs, double TotalMs);

/// <summary>The answer to <c>POST /v1/studies</c>.</summary>
public sealed record StudyAnalysis(
    IReadOnlyList<ImageSummary> Images,
    IReadOnlyList<LabelScore> Scores,
    float[]? Embedding,
    IReadOnlyList<NearestReport>? NearestReports,
    string? Report,
    IReadOnlyList<LabelSaliency>? Saliency,
    Provenance Provenance,
    StudyTimings Timings);
