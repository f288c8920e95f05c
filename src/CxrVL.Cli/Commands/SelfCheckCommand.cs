using System.CommandLine;
using System.Globalization;
using CxrVL.Cli.Infrastructure;
using CxrVL.Runs;
using CxrVL.Runtime;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl selfcheck</c>: the installation check as a run, with a recipe, a run folder and per-step metrics.</summary>
internal sealed class SelfCheckCommand : ICliCommand
{
    public Command Create() =>
        new Command("selfcheck", "Train a small CNN on a fixed random batch, check autograd against finite differences and measure matmul throughput; writes a run folder.")
            .AddRunOptions("--set train.steps=50")
            .WithAction(Run);

    private static int Run(CommandContext context)
    {
        var config = context.LoadConfig<SelfCheckConfig>("selfcheck");
        var runtime = context.Runtime;
        using var run = context.CreateRunFolder(config.Name, config);
        run.Log.Info($"run folder {run.Path}");

        var result = ConsoleProgress.Run("selfcheck", config.Train.Steps, progress =>
            TorchSelfCheck.Run(config, runtime.Device, runtime.Seed, (step, loss) =>
            {
                run.Metrics.Write(new Dictionary<string, object?> { ["step"] = step + 1, ["loss"] = loss });
                progress.SetStatus(string.Create(CultureInfo.InvariantCulture, $"loss {loss:0.0000}"));
                progress.Advance();
            }), unit: "step", output: context.Output);

        run.Metrics.Write(new Dictionary<string, object?>
        {
            ["final_loss"] = result.FinalLoss,
            ["gradient_relative_error"] = result.GradientRelativeError,
            ["matmul_gflops"] = result.MatmulGflops,
            ["seconds"] = result.Elapsed.TotalSeconds,
        });
        run.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"loss {result.InitialLoss:0.0000} -> {result.FinalLoss:0.0000}; gradient check {result.GradientRelativeError:0.0e+0}; matmul {result.MatmulGflops:0.0} GFLOP/s"));
        run.Log.Info(result.Passed ? "selfcheck passed" : "selfcheck FAILED");
        return result.Passed ? 0 : 1;
    }
}
