using System.CommandLine;
using CxrVL.Precision;

namespace CxrVL.Cli.Infrastructure;

/// <summary><c>--precision fp32|bf16</c> of the commands that run a trained model (embed, zeroshot, retrieve, generate, serve).</summary>
internal static class InferencePrecisionOption
{
    public static readonly Option<string> Option = new Option<string>("--precision")
    {
        Description = "Arithmetic of the model's forward passes: fp32, or bf16 (matrix products and convolutions in bfloat16, as bf16-mixed " +
                      "training; outputs stay float32). Fast on CPUs with native bfloat16 (cxrvl env tells).",
        DefaultValueFactory = _ => "fp32",
    }.AcceptOnlyFromAmong("fp32", "bf16");

    public static TrainingPrecision Get(CommandContext context) =>
        context.Get(Option) == "bf16" ? TrainingPrecision.Bf16Mixed : TrainingPrecision.Fp32;
}
