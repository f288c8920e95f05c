using CxrVL.Imaging;
using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Data.Loading;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl data load FILE.jsonl</c>: reads a manifest through the batch loader, as training would, and reports speed and bad rows.</summary>
internal sealed class DataLoadCommand : ICliCommand
{
    public string? Parent => "data";

    private static readonly Argument<string> Manifest = new("manifest") { Description = "A manifest written by 'cxrvl data build'." };
    private static readonly Option<string?> Root = new("--root") { Description = "Dataset root (default: the one in the manifest's info file)." };
    private static readonly Option<string?> Split = new("--split") { Description = "Only this split (train, valid, test)." };
    private static readonly Option<string> Recipe = new("--recipe") { Description = "Image recipe (prior, mgca, mrm, xpronet, ...).", DefaultValueFactory = _ => "mgca" };
    private static readonly Option<StudyViews> Views = new("--views") { Description = "frontal, pair (frontal + lateral) or sequence (the patient's earlier studies).", DefaultValueFactory = _ => StudyViews.Frontal };
    private static readonly Option<int> Epochs = new("--epochs") { Description = "Epochs to read.", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> BatchSize = new("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 32 };
    private static readonly Option<int> Workers = new("--workers") { Description = "Decoding threads.", DefaultValueFactory = _ => 2 };
    private static readonly Option<int> Prefetch = new("--prefetch") { Description = "Batches built ahead (the memory budget).", DefaultValueFactory = _ => 4 };
    private static readonly Option<bool> Train = new("--train") { Description = "Use the recipe's training transforms (random crops, flips)." };
    private static readonly Option<bool> RequireReport = new("--require-report") { Description = "Treat a row without report text (impression, findings) as bad." };
    private static readonly Option<bool> SkipBad = new("--skip-bad") { Description = "Skip and count bad rows (missing or corrupt image, empty report) instead of stopping at the first." };

    public Command Create()
    {
        var command = new Command("load", "Read a manifest through the batch loader as training would: samples/s per epoch and the bad rows.");
        command.Arguments.Add(Manifest);
        foreach (var option in new Option[] { Root, Split, Recipe, Views, Epochs, BatchSize, Workers, Prefetch, Train, RequireReport, SkipBad })
            command.Options.Add(option);
        return command.WithAction(context =>
        {
            _ = context.Runtime;
            var study = new StudyOptions
            {
                ImageRecipe = ImageRecipes.BuiltIn.Get(context.Get(Recipe)!), Views = context.Get(Views), RequireReport = context.Get(RequireReport),
            };
            var loader = new LoaderOptions
            {
                BatchSize = context.Get(BatchSize), Workers = context.Get(Workers), Prefetch = context.Get(Prefetch),
                SkipBad = context.Get(SkipBad), Seed = context.Get(GlobalOptions.Seed),
            };
            var result = LoaderCheck.Run(context.Get(Manifest)!, context.Get(Root), context.Get(Split), study, loader,
                context.Get(Epochs), context.Get(Train), context.Output.WriteLine);
            context.Output.Write(result.Format());
            return 0;
        });
    }
}
