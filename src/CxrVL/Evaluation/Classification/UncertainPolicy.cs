namespace CxrVL.Evaluation.Classification;

/// <summary>What an uncertain label (-1, as CheXpert writes it) counts as when scoring a label.</summary>
public enum UncertainPolicy
{
    /// <summary>Left out of that label's metrics, like a missing label (the default).</summary>
    Exclude,

    /// <summary>Counted as positive (CheXpert's "U-Ones").</summary>
    Positive,

    /// <summary>Counted as negative (CheXpert's "U-Zeros").</summary>
    Negative,
}
