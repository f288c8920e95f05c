using System.CommandLine;
using System.Globalization;
using CxrVL.Cli.Infrastructure;
using CxrVL.Data.Builders;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl data build &lt;source&gt; --root DIR [--out FILE.jsonl]</c>: one manifest row per study of a dataset.</summary>
internal sealed class DataBuildCommand : ICliCommand
{
    public string? Parent => "data";

    private static readonly Argument<string> Source = new("source")
    {
        Description = "Dataset source: " + string.Join(", ", DatasetBuilders.All.Select(b => b.Name)) + ".",
    };

    private static readonly Option<string> Root = new("--root") { Description = "The dataset folder, laid out as its publisher distributes it.", Required = true };
    private static readonly Option<string?> Out = new("--out") { Description = "Manifest to write (default manifests/<source>.jsonl; .gz compresses)." };
    private static readonly Option<string?> Reports = new("--reports") { Description = "mimic-cxr: the report texts folder (files/pXX/p<subject>/s<study>.txt)." };
    private static readonly Option<string?> Images = new("--images") { Description = "iu-xray: the image folder (default <root>/images or <root>/NLMCXR_png)." };
    private static readonly Option<string?> Annotations = new("--annotations") { Description = "ms-cxr-t: the folder of its CSVs when apart from the MIMIC-CXR-JPG root." };
    private static readonly Option<string?> SplitLists = new("--split-lists") { Description = "Folder of split lists (train_list.txt, val_list.txt, test_list.txt, train_1.txt, train_10.txt) to use instead of the source split." };
    private static readonly Option<string> Labeler = new("--labeler") { Description = "mimic-cxr: label file, chexpert or negbio.", DefaultValueFactory = _ => "chexpert" };
    private static readonly Option<string> Uncertain = new("--uncertain") { Description = "Uncertain labels: ignore (keep -1), ones, zeros.", DefaultValueFactory = _ => "ignore" };
    private static readonly Option<string> Split = new("--split") { Description = "train,valid,test patient proportions when the source has no split.", DefaultValueFactory = _ => "0.7,0.1,0.2" };
    private static readonly Option<string> Fractions = new("--fractions") { Description = "Training fractions in percent, nested (100 is implicit).", DefaultValueFactory = _ => "1,10" };
    private static readonly Option<bool> SkipBad = new("--skip-bad") { Description = "Skip and count malformed source rows instead of stopping at the first." };
    private static readonly Option<bool> FiveBy200 = new("--5x200") { Description = "chexpert: write the 5x200 zero-shot sample (200 one-hot studies per competition class) drawn with --seed." };
    private static readonly Option<string?> FiveBy200List = new("--5x200-list") { Description = "chexpert: write the zero-shot sample a published list names instead (PRIOR's datasets/zero_shot_classification/chexpert_5x200.json: image path and one-hot label per entry)." };

    public Command Create()
    {
        var command = new Command("build", "Build a manifest (JSON Lines, one row per study) from a dataset as its publisher distributes it.");
        command.Arguments.Add(Source);
        foreach (var option in new Option[] { Root, Out, Reports, Images, Annotations, SplitLists, Labeler, Uncertain, Split, Fractions, SkipBad, FiveBy200, FiveBy200List })
            command.Options.Add(option);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var builder = DatasetBuilders.Get(context.Get(Source)!);
        var options = new BuildOptions
        {
            Root = context.Get(Root)!,
            Reports = context.Get(Reports),
            Images = context.Get(Images),
            Annotations = context.Get(Annotations),
            SplitLists = context.Get(SplitLists),
            Labeler = context.Get(Labeler)!,
            Uncertain = Enum.TryParse<UncertainPolicy>(context.Get(Uncertain), ignoreCase: true, out var policy)
                ? policy
                : throw new CxrVLException($"--uncertain must be ignore, ones or zeros; got '{context.Get(Uncertain)}'."),
            Seed = context.Get(GlobalOptions.Seed),
            SplitProportions = ParseList(context.Get(Split)!, "--split", s => double.Parse(s, CultureInfo.InvariantCulture)),
            Fractions = ParseList(context.Get(Fractions)!, "--fractions", s => int.Parse(s, CultureInfo.InvariantCulture)),
            SkipBad = context.Get(SkipBad),
            FiveBy200 = context.Get(FiveBy200),
            FiveBy200List = context.Get(FiveBy200List),
        };
        var outPath = context.Get(Out) ?? Path.Combine("manifests", builder.Name + ".jsonl");
        var info = ManifestBuild.Run(builder, options, outPath, context.Output);
        context.Output.WriteLine($"wrote {Path.GetFullPath(outPath)}");
        foreach (var (name, count) in info.Counts!)
            context.Output.WriteLine($"  {name,-26} {count}");
        return 0;
    }

    private static IReadOnlyList<T> ParseList<T>(string text, string option, Func<string, T> parse)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();
        }
        catch (FormatException)
        {
            throw new CxrVLException($"{option} takes comma-separated numbers; got '{text}'.");
        }
    }
}
