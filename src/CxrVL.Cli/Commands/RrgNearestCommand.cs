using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl rrg nearest</c>: the nearest-neighbour retrieval baseline next to a trained generator.</summary>
internal sealed class RrgNearestCommand : ICliCommand
{
    public string Parent => "rrg";

    public Command Create()
    {
        var command = new Command("nearest", "Baseline: each study gets the report of the training study with the most similar image (cosine of the checkpoint's pooled visual features); scored like 'rrg test'.");
        command.Options.Add(RrgTestCommand.Checkpoint);
        command.Options.Add(RrgTestCommand.Data);
        command.Options.Add(RrgTestCommand.Split);
        command.Options.Add(RrgTestCommand.Out);
        return command.WithAction(context =>
        {
            using var generator = ReportGenerator.Load(context.Get(RrgTestCommand.Checkpoint)!, context.Runtime.Device);
            var split = context.Get(RrgTestCommand.Split) ?? generator.Config.Data.TestSplit;
            return RrgTestCommand.Write(context, ReportEvaluation.NearestNeighbour(generator, context.Get(RrgTestCommand.Data)!, split, context.Runtime.Seed));
        });
    }
}
