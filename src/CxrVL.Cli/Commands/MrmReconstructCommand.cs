using System.CommandLine;
using System.Globalization;
using CxrVL.Cli.Infrastructure;
using CxrVL.Methods.Mrm.Reconstruction;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl mrm reconstruct</c>: masked input, reconstruction and original side by side, and the words predicted for a masked report.</summary>
internal sealed class MrmReconstructCommand : ICliCommand
{
    public string? Parent => "mrm";

    private static readonly Option<string> Checkpoint = new("--checkpoint")
    {
        Description = "An MRM run folder (its best, else last checkpoint), a checkpoint folder or a weights file.",
        Required = true,
    };

    private static readonly Option<string> Image = new("--image") { Description = "The image to mask and reconstruct.", Required = true };

    private static readonly Option<string> Out = new("--out") { Description = "The PNG to write.", Required = true };

    private static readonly Option<string?> Report = new("--report")
    {
        Description = "Report text to mask (whole words at the recipe's rate) and predict; without it only the image is shown.",
    };

    private static readonly Option<int> Top = new("--top") { Description = "Predicted tokens listed per masked position.", DefaultValueFactory = _ => 5 };

    public Command Create()
    {
        var command = new Command("reconstruct", "Mask an image (and a report) as in training; write the masked input, the reconstruction and the original side by side as PNG, and print the top words predicted at the masked report positions.");
        foreach (var option in new Option[] { Checkpoint, Image, Out, Report, Top })
            command.Options.Add(option);
        return command.WithAction(context =>
        {
            var runtime = context.Runtime;
            var result = RecordReconstruction.Run(context.Get(Checkpoint)!, context.Get(Image)!, context.Get(Report), context.Get(Out)!,
                                                  runtime.Device, runtime.Seed, context.Get(Top));
            var output = context.Output;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {result.Png}: {result.MaskedPatchShare:P0} of the patches masked, image loss {result.ImageLoss:0.0000} on them"));
            if (!double.IsNaN(result.ReportLoss))
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report: {result.Words.Count} masked tokens, loss {result.ReportLoss:0.0000}"));
            foreach (var word in result.Words)
            {
                var top = string.Join("  ", word.Top.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Token} {t.Probability:0.000}")));
                output.WriteLine($"  {word.Position,3} {word.Original,-16} -> {top}");
            }
            return 0;
        });
    }
}
