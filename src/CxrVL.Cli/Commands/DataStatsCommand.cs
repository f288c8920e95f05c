using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Data.Stats;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl data stats FILE.jsonl</c>: counts per split, view and label, report sections, missing images.</summary>
internal sealed class DataStatsCommand : ICliCommand
{
    public string? Parent => "data";

    private static readonly Argument<string> Manifest = new("manifest") { Description = "A manifest written by 'cxrvl data build'." };

    public Command Create()
    {
        var command = new Command("stats", "Count a manifest's studies per split, view and label, reports with and without each section, and missing images.");
        command.Arguments.Add(Manifest);
        return command.WithAction(context =>
        {
            context.Output.Write(ManifestStats.Compute(context.Get(Manifest)!).Format());
            return 0;
        });
    }
}
