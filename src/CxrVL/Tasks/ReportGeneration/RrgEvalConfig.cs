using System.ComponentModel.DataAnnotations;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Reports;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// The <c>eval:</c> section of a report-generation recipe: how <c>rrg test</c>, <c>rrg nearest</c> and the quickstart
/// score reports. The commands' <c>--labeler</c>, <c>--weights</c>, <c>--uncertain</c> and <c>--bootstrap</c> override it.
/// </summary>
public sealed class RrgEvalConfig
{
    /// <summary>rules (the rule-based CheXpert labeler, shipped) or chexbert (needs <see cref="LabelerWeights"/>).</summary>
    public LabelerKind Labeler { get; set; } = LabelerKind.Rules;

    /// <summary>CheXbert's checkpoint (<c>chexbert.pth</c>), which the user brings: Stanford publishes it, CxrVL does not ship it.</summary>
    public string? LabelerWeights { get; set; }

    /// <summary>How clinical efficacy reads an uncertain label: positive (as RadEval and ReXrank), negative (R2Gen) or exclude.</summary>
    public UncertainLabels Uncertain { get; set; } = UncertainLabels.Positive;

    /// <summary>Bootstrap resamples of the test reports for the 95% intervals (0: point values only); seeded by <c>--seed</c>.</summary>
    [Range(0, int.MaxValue)]
    public int Bootstrap { get; set; } = 1000;

    public LabelerOptions LabelerOptions() => new(Labeler, LabelerWeights);

    public ReportScoringOptions ScoringOptions(int seed) => new(Uncertain, Bootstrap, Seed: seed);

    /// <summary>
    /// This section with a command's options over it (null keeps the recipe's). The recipe's weights go with the recipe's
    /// CheXbert only: <c>--labeler rules</c> over a CheXbert recipe drops them.
    /// </summary>
    public RrgEvalConfig With(LabelerKind? labeler, string? weights, UncertainLabels? uncertain, int? bootstrap)
    {
        var kind = labeler ?? Labeler;
        return new RrgEvalConfig
        {
            Labeler = kind,
            LabelerWeights = weights ?? (kind == LabelerKind.Chexbert ? LabelerWeights : null),
            Uncertain = uncertain ?? Uncertain,
            Bootstrap = bootstrap ?? Bootstrap,
        };
    }
}
