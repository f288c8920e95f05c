namespace CxrVL.Data.Builders;

/// <summary>How a builder writes uncertain (-1) labels (the CheXpert paper's U-Ones, U-Zeros, U-Ignore).</summary>
public enum UncertainPolicy
{
    /// <summary>Keep -1, so training masks the label out (U-Ignore).</summary>
    Ignore,

    /// <summary>Uncertain becomes positive (U-Ones).</summary>
    Ones,

    /// <summary>Uncertain becomes negative (U-Zeros).</summary>
    Zeros,
}
