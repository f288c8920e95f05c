namespace CxrVL.Serving;

/// <summary>What a caller asks of one study besides the zero-shot scores.</summary>
public sealed record StudyRequest
{
    /// <summary>Return the frontal image's l2-normalised embedding.</summary>
    public bool Embedding { get; init; }

    /// <summary>Return a gradient saliency map (PNG) per label: each label's map is where cos(image, label) is most sensitive.</summary>
    public bool Saliency { get; init; }

    /// <summary>Nearest reports of the index to return (0: none).</summary>
    public int Nearest { get; init; }

    /// <summary>Generate a report when a report model is loaded.</summary>
    public bool Report { get; init; } = true;
}
