using System.CommandLine;
using System.Globalization;
using CxrVL.Cli.Infrastructure;
using CxrVL.Weights;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl weights convert IN OUT.safetensors|OUT.pt [--map RULES]</c>.</summary>
internal sealed class WeightsConvertCommand : ICliCommand
{
    private static readonly Argument<string> Input = new("in") { Description = "Checkpoint to read: .pt, .pth, .bin, .ckpt or .safetensors." };
    private static readonly Argument<string> Output = new("out") { Description = "File to write (atomically): .safetensors, or .pt/.pth/.bin for torch.load." };
    private static readonly Option<string[]> Map = new("--map")
    {
        Description = "Key map rules, ';'-separated, or a file with one rule per line: strip:PREFIX, rename:FROM=TO, drop:PREFIX, keep:P1|P2, re:PATTERN=REPLACEMENT. Repeatable.",
        HelpName = "RULES",
    };
    private static readonly Option<string?> Entry = WeightsOptions.Entry();
    private static readonly Option<bool> Skip = WeightsOptions.SkipUnknownObjects();

    public string Parent => "weights";

    public Command Create()
    {
        var command = new Command("convert", "Convert a checkpoint to safetensors (or a torch.save .pt file), renaming keys with --map.");
        command.Arguments.Add(Input);
        command.Arguments.Add(Output);
        command.Options.Add(Map);
        command.Options.Add(Entry);
        command.Options.Add(Skip);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var rules = (context.Get(Map) ?? []).Select(text => System.IO.File.Exists(text) ? CxrVL.Files.InputFile.ReadText(text, "key map") : text);
        var map = KeyMap.Parse(string.Join('\n', rules));
        var output = context.Get(Output)!;
        var result = CheckpointConverter.Convert(context.Get(Input)!, output, map, WeightsOptions.Read(context, Entry, Skip));
        var dropped = result.Dropped.Count > 0 ? $"; {result.Dropped.Count} dropped by the key map" : "";
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {result.Tensors} tensors, {result.Values:N0} values, {result.Bytes:N0} bytes{dropped}"));
        return 0;
    }
}
