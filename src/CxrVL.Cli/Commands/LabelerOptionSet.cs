using System.CommandLine;
using System.CommandLine.Parsing;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;

namespace CxrVL.Cli.Commands;

/// <summary>
/// The labeler options of the commands that label reports (<c>label</c>, <c>eval ce</c>, <c>eval compare</c>,
/// <c>rrg test</c>): <c>--labeler</c>, <c>--weights</c> and, for clinical efficacy, <c>--uncertain</c>. Options with a
/// recipe default (<c>rrg test</c>) have no default here: unset means the recipe's.
/// </summary>
internal sealed class LabelerOptionSet(bool withDefaults = true)
{
    public Option<LabelerKind?> Labeler { get; } = new("--labeler")
    {
        DefaultValueFactory = withDefaults ? _ => LabelerKind.Rules : null,
        CustomParser = ParseLabeler,
        Description = "rules (the rule-based CheXpert labeler) or chexbert (CheXbert: bert-base-uncased with 14 heads; needs --weights).",
    };

    public Option<string?> Weights { get; } = new("--weights") { Description = $"CheXbert's checkpoint (chexbert.pth), published in {ChexbertLabeler.PublishedAt}." };

    public Option<UncertainLabels?> Uncertain { get; } = new("--uncertain")
    {
        DefaultValueFactory = withDefaults ? _ => UncertainLabels.Positive : null,
        Description = "How an uncertain label (-1) counts in clinical efficacy: positive (CheXbert F1 as RadEval and ReXrank report it), negative (R2Gen's compute_ce) or exclude (the pair is left out of that observation).",
    };

    public Command AddTo(Command command, bool uncertain = true)
    {
        command.Options.Add(Labeler);
        command.Options.Add(Weights);
        if (uncertain)
            command.Options.Add(Uncertain);
        return command;
    }

    // The library's message (which names where CheXbert's weights are published) instead of the enum's type name.
    private static LabelerKind? ParseLabeler(ArgumentResult result)
    {
        try
        {
            return ReportLabelers.Parse(result.Tokens.Single().Value);
        }
        catch (CxrVLException e)
        {
            result.AddError(e.Message);
            return null;
        }
    }

    public LabelerOptions Read(CommandContext context)
    {
        // CheXbert runs on the tool's torch threads.
        _ = context.Runtime;
        return new LabelerOptions(context.Get(Labeler) ?? LabelerKind.Rules, context.Get(Weights));
    }
}
