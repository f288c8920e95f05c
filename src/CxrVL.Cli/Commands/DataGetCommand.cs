using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Data.Download;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl data get covid-chestxray|iu-xray --out DIR [--from FILE]</c>: download (or install) a public set.</summary>
internal sealed class DataGetCommand : ICliCommand
{
    public string? Parent => "data";

    private static readonly Argument<string> Dataset = new("dataset")
    {
        Description = "Public dataset: " + string.Join(", ", DatasetDownload.All.Select(d => d.Name)) + ".",
    };

    private static readonly Option<string> Out = new("--out") { Description = "Folder to arrange the dataset in.", Required = true };
    private static readonly Option<string[]> From = new("--from") { Description = "Install archives downloaded by hand instead of downloading.", AllowMultipleArgumentsPerToken = true };

    public Command Create()
    {
        var command = new Command("get", "Download a public dataset from its publisher into the layout 'cxrvl data build' reads.");
        command.Arguments.Add(Dataset);
        command.Options.Add(Out);
        command.Options.Add(From);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var dataset = DatasetDownload.Get(context.Get(Dataset)!);
        var outDir = Path.GetFullPath(context.Get(Out)!);
        var archives = context.Get(From) ?? [];
        int written;
        if (archives.Length > 0)
        {
            written = DatasetDownloader.Install(dataset, archives, outDir);
        }
        else
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            written = new DatasetDownloader(http, context.Output).Get(dataset, outDir);
        }
        context.Output.WriteLine($"{dataset.Name}: {written} files in {outDir}; next: cxrvl data build {dataset.Name} --root {outDir}");
        return 0;
    }
}
