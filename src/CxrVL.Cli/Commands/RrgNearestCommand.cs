using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;
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
        command.Options.Add(RrgTestCommand.Bootstrap);
        command.Options.Add(RrgTestCommand.Out);
        return RrgTestCommand.Labeler.AddTo(command).WithAction(context =>
        {
            using var generator = ReportGenerator.Load(context.Get(RrgTestCommand.Checkpoint)!, context.Runtime.Device);
            var eval = RrgTestCommand.EvalConfig(context, generator);
            using var labeler = ReportLabelers.Create(eval.LabelerOptions());
            var split = context.Get(RrgTestCommand.Split) ?? generator.Config.Data.TestSplit;
            var reports = ReportEvaluation.NearestNeighbour(generator, context.Get(RrgTestCommand.Data)!, split, context.Runtime.Seed);
            return RrgTestCommand.Write(context, generator, ReportEvaluation.Score(reports, labeler, eval.ScoringOptions(context.Runtime.Seed)), "nearest");
        });
    }
}
