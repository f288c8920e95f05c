namespace CxrVL.Evaluation.Labeling;

/// <summary>How clinical efficacy reads an uncertain label (-1); blank is negative under all three.</summary>
public enum UncertainLabels
{
    /// <summary>Uncertain is positive (CheXbert's F1 as RadEval, ReXrank and the 2024-2026 report generators compute it).</summary>
    Positive,

    /// <summary>Uncertain is negative, only 1 is positive (R2Gen and R2GenCMN's <c>compute_ce.py</c>, XProNet).</summary>
    Negative,

    /// <summary>A report-observation pair where either side is uncertain is left out of that observation's counts.</summary>
    Exclude,
}
