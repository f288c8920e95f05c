using System.CommandLine;
using System.Globalization;
using CxrVL.Cli.Infrastructure;
using CxrVL.Weights;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl weights inspect FILE</c>: tensors, types, shapes, totals and the detected architecture, without loading values.</summary>
internal sealed class WeightsInspectCommand : ICliCommand
{
    private static readonly Argument<string> File = new("file") { Description = "Checkpoint: .pt, .pth, .bin, .ckpt (torch.save, zip or legacy) or .safetensors." };
    private static readonly Option<bool> Summary = new("--summary") { Description = "Print totals and the detected architecture only, not every tensor." };
    private static readonly Option<string?> Entry = WeightsOptions.Entry();
    private static readonly Option<bool> Skip = WeightsOptions.SkipUnknownObjects();

    public string Parent => "weights";

    public Command Create()
    {
        var command = new Command("inspect", "List a checkpoint's tensors (name, dtype, shape), total parameters and the detected architecture.");
        command.Arguments.Add(File);
        command.Options.Add(Summary);
        command.Options.Add(Entry);
        command.Options.Add(Skip);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var summary = CheckpointReader.Inspect(context.Get(File)!, WeightsOptions.Read(context, Entry, Skip));
        var architecture = ArchitectureDetector.Detect(summary.Tensors);
        var o = context.Output;
        o.WriteLine($"file           {summary.Path}");
        o.WriteLine($"format         {summary.Format}");
        if (summary.StateDictEntry != "")
            o.WriteLine($"state dict     '{summary.StateDictEntry}'");
        foreach (var other in summary.OtherEntries)
            o.WriteLine($"  also         {other}");
        foreach (var (key, value) in summary.Metadata)
            o.WriteLine($"metadata       {key} = {value}");
        if (summary.SkippedGlobals.Count > 0)
            o.WriteLine($"skipped        {string.Join(", ", summary.SkippedGlobals)} (kept inert)");
        if (!context.Get(Summary))
        {
            var width = summary.Tensors.Count == 0 ? 0 : summary.Tensors.Max(t => t.Name.Length);
            foreach (var tensor in summary.Tensors)
                o.WriteLine($"  {tensor.Name.PadRight(width)}  {tensor.DType,-9} {tensor.ShapeText}");
        }
        var dtypes = summary.Tensors.GroupBy(t => t.DType).Select(g => $"{g.Key} {g.Count()}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tensors        {summary.Tensors.Count} ({string.Join(", ", dtypes)})"));
        var buffers = summary.NumberOfElements - summary.NumberOfParameters;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"parameters     {summary.NumberOfParameters:N0} ({summary.NumberOfParameters / 1e6:0.00} M) + {buffers:N0} buffer values"));
        o.WriteLine($"architecture   {architecture.Layout}");
        foreach (var model in architecture.Models)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(model.Prefix == "" ? "(top level)" : model.Prefix)}  {model.Architecture}: {model.Details}; {model.Parameters / 1e6:0.00} M parameters"));
        return 0;
    }
}
