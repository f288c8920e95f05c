using System.CommandLine;
using System.Globalization;
using CxrVL.Cli.Infrastructure;
using CxrVL.Runs;
using CxrVL.Tasks.Pretraining;
using CxrVL.Methods.Prior.Reconstruction;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl prior reconstruct</c>: the sentence prototypes PRIOR's decoder generates for an image, labelled by training sentences.</summary>
internal sealed class PriorReconstructCommand : ICliCommand
{
    private static readonly Option<string> Checkpoint = new("--checkpoint")
    {
        Description = "A PRIOR run folder, checkpoint folder or weights file inside a run folder.",
        Required = true,
    };

    private static readonly Option<string> Image = new("--image") { Description = "The chest X-ray to reconstruct the report of.", Required = true };

    private static readonly Option<string?> Data = new("--data")
    {
        Description = "Manifest whose reports label the prototypes (default: the --data of the run's command.txt).",
    };

    private static readonly Option<string> Split = new("--split")
    {
        Description = "Split of the manifest whose reports label the prototypes, or 'all'.",
        DefaultValueFactory = _ => "train",
    };

    public string? Parent => "prior";

    public Command Create()
    {
        var command = new Command("reconstruct", "Print the sentence prototypes PRIOR's decoder generates for an image, each labelled by its nearest training sentence.");
        foreach (var option in new Option[] { Checkpoint, Image, Data, Split })
            command.Options.Add(option);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        using var model = PretrainedModel.Load(context.Get(Checkpoint)!, context.Runtime.Device);
        var manifest = context.Get(Data) ?? ManifestOfRun(model.Weights!)
            ?? throw new CxrVLException("pass --data MANIFEST.jsonl: the run's command.txt names no manifest.");
        var reports = SentenceReconstruction.TrainingReports(manifest, model.Config, context.Get(Split)!);
        var sentences = SentenceReconstruction.Run(model, context.Get(Image)!, reports, context.Runtime.Device);
        context.Output.WriteLine($"{sentences.Count} decoded sentence prototypes ({sentences.Select(s => s.Prototype).Distinct().Count()} distinct), labelled from {reports.Count} reports of '{manifest}':");
        foreach (var group in sentences.GroupBy(s => s.Prototype))
        {
            var first = group.First();
            var queries = string.Join(",", group.Select(s => s.Query));
            var label = first.Sentence is null ? "(no training sentence)" : first.LabelledByAssignment ? first.Sentence : $"{first.Sentence} (nearest; no training sentence maps here)";
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  prototype {first.Prototype,4}  weight {first.Weight:0.000}  queries {queries}: {label}"));
        }
        return 0;
    }

    /// <summary>The manifest a run trained on, read from its command.txt (--data VALUE).</summary>
    private static string? ManifestOfRun(string weights)
    {
        if (RunFolder.FindAbove(weights, dir => File.Exists(Path.Combine(dir, "command.txt"))) is not { } run)
            return null;
        var words = File.ReadAllText(Path.Combine(run, "command.txt")).Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(words, "--data");
        return at >= 0 && at + 1 < words.Length && File.Exists(words[at + 1].Trim('\'', '"')) ? words[at + 1].Trim('\'', '"') : null;
    }
}
