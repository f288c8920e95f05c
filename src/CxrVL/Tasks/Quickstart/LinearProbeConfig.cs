using System.ComponentModel.DataAnnotations;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// L2-regularised logistic regression on the frozen image backbone's pooled features, one per task, its regularisation
/// chosen by cross-validation on the training images (<see cref="LinearProbe"/>).
/// </summary>
public sealed class LinearProbeConfig
{
    /// <summary>Class recipes (configs/zeroshot/*.yaml: their classes' labels, views or meta values; prompts unused) the probe classifies.</summary>
    public List<string> Tasks { get; set; } = ["zeroshot/covid-pneumonia", "zeroshot/covid-intubation", "zeroshot/covid-view"];

    /// <summary>Stratified folds of the training images over which each candidate C is scored (mean AUROC).</summary>
    [Range(2, int.MaxValue)]
    public int Folds { get; set; } = 5;

    /// <summary>
    /// Candidate inverse regularisation strengths C (scikit-learn's convention: the loss summed over the training images
    /// times C, plus half the squared norm of the weights). Half decades from 1e-4 to 1e2 by default.
    /// </summary>
    public List<double> CValues { get; set; } = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10, 30, 100];
}
