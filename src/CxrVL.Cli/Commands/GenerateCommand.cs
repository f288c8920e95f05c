using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Generation.Decoding;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl generate --checkpoint C --image A.png [--image B.png]</c>: one study's report from its images alone.</summary>
internal sealed class GenerateCommand : ICliCommand
{
    private static readonly Option<string> Checkpoint = new("--checkpoint") { Description = "A 'cxrvl rrg train' run folder or checkpoint.", Required = true };

    private static readonly Option<string[]> Images = new("--image")
    {
        Description = "An image of the study; repeat for a second view (frontal first, then lateral) with a two-view model.",
        Required = true,
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly Option<DecodingStrategy?> Strategy = new("--strategy") { Description = "greedy, sample or beam (default: the recipe's, beam 3)." };

    private static readonly Option<int?> Beam = new("--beam") { Description = "Beam size." };

    private static readonly Option<int?> MaxLength = new("--max-length") { Description = "Words at most." };

    public Command Create()
    {
        var command = new Command("generate", "Write a radiology report for one study from its image(s), with a trained report generator (vocabulary and recipe come from its run folder).");
        command.Options.Add(Checkpoint);
        command.Options.Add(Images);
        command.Options.Add(Strategy);
        command.Options.Add(Beam);
        command.Options.Add(MaxLength);
        command.Options.Add(InferencePrecisionOption.Option);
        return command.WithAction(context =>
        {
            using var generator = context.Library.LoadReportGenerator(context.Get(Checkpoint)!, InferencePrecisionOption.Get(context));
            var recipe = generator.Config.Decoding;
            var decoding = new DecodingConfig
            {
                Strategy = context.Get(Strategy) ?? recipe.Strategy,
                BeamSize = context.Get(Beam) ?? recipe.BeamSize,
                MaxLength = context.Get(MaxLength) ?? recipe.MaxLength,
                MinLength = recipe.MinLength,
                BlockTrigrams = recipe.BlockTrigrams,
                Temperature = recipe.Temperature,
            };
            context.Output.WriteLine(context.Library.Generate(generator, context.Get(Images)!, decoding));
            return 0;
        });
    }
}
