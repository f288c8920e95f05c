using System.CommandLine;
using System.Runtime.InteropServices;
using CxrVL.Cli.Infrastructure;
using CxrVL.Configuration;
using CxrVL.Data.Manifest;
using CxrVL.Runs;
using CxrVL.Runtime.Distributed;
using CxrVL.Runtime;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Cli.Commands;

/// <summary>
/// <c>cxrvl pretrain</c>: image-report pretraining with any registered method on the shared trainer. Started by
/// <c>mpirun -np N</c>, each process is one data-parallel rank; rank 0 owns the run folder.
/// </summary>
internal sealed class PretrainCommand : ICliCommand
{
    private static readonly Option<string> Method = new("--method")
    {
        Description = $"Pretraining method: {string.Join(", ", PretrainingMethods.BuiltIn.Names)}; every recipe that states a method must state this one.",
        Required = true,
    };

    private static readonly Option<string> Data = new("--data")
    {
        Description = "Manifest (JSONL) from 'cxrvl data build'.",
        Required = true,
    };

    private static readonly Option<string?> Resume = new("--resume")
    {
        Description = "Continue a run: its folder or one of its checkpoints (use the same --seed; any number of ranks).",
    };

    private static readonly Option<string?> Init = new("--init")
    {
        Description = "Initial weights (.pt or .safetensors), loaded strictly by name.",
    };

    public Command Create()
    {
        var command = new Command("pretrain", "Pretrain image and report encoders together with any registered method on a manifest; --config overlays recipes on configs/pretrain/<method>.yaml. " +
                                              "Under 'mpirun -np N' the N processes train data-parallel.");
        command.Options.Add(Method);
        command.Options.Add(Data);
        command.Options.Add(Resume);
        command.Options.Add(Init);
        return command.AddRunOptions("--set train.max_steps=100 --set data.workers=4").WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        using var ranks = DistributedLaunch.FromEnvironment();
        if (ranks.WorldSize == 1)
            return Train(context, ranks);
        // A rank that stops alone would leave the others waiting in their next all-reduce: end the whole job.
        try
        {
            return Train(context, ranks);
        }
        catch (Exception e)
        {
            context.Error.WriteLine(e is CxrVLException ? $"error on rank {ranks.Rank}: {e.Message}" : $"internal error on rank {ranks.Rank}: {e}");
            context.Error.Flush();
            ranks.Abort(e is CxrVLException ? 2 : 1);
            throw;
        }
    }

    private static int Train(CommandContext context, IDistributedContext ranks)
    {
        var method = context.Get(Method)!;
        var config = PretrainRecipes.Load(context.RecipePaths($"pretrain/{method.ToLowerInvariant()}", overlay: true), context.Overrides(), method);
        PretrainingMethods.BuiltIn.Validate(config, ranks.WorldSize);
        var manifest = context.Get(Data)!;
        // Before a run folder exists: a missing manifest or info file leaves nothing behind.
        _ = ManifestInfo.ReadFor(manifest);
        var resume = context.Get(Resume);
        var options = GlobalOptions.Read(context.ParseResult);
        RankAgreement.Ensure(ranks, string.Join('\n', ConfigLoader.ToYaml(config), options.Seed, Path.GetFullPath(manifest),
            resume is null ? "" : Path.GetFullPath(resume), context.Get(Init) ?? ""));
        var library = ranks.WorldSize == 1 ? context.Library : new CxrVLContext(TorchRuntime.Configure(options, ranks)) { Console = context.Output };
        using var run = OpenRunFolder(context, config, resume, ranks);
        // mpirun ends the surviving ranks with SIGTERM when one rank dies: no step can finish then, so it is not a stop request.
        using var terminated = ranks.WorldSize == 1 ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ =>
            context.Error.WriteLine($"rank {ranks.Rank}: stopped by mpirun because another rank of the job ended; " +
                                    $"resume with --resume {(ranks.IsMain ? run.Path : "RUN_FOLDER")} (any number of ranks)."));
        try
        {
            return TrainingRuns.Run(context, run, cancel =>
            {
                library.Pretrain(run, config, manifest, resume, context.Get(Init), cancel);
                if (ranks.IsMain)
                    context.Output.WriteLine($"run folder {run.Path}");
            }, terminate: ranks.WorldSize == 1);
        }
        finally
        {
            if (!ranks.IsMain)
                Directory.Delete(run.Path, recursive: true);
        }
    }

    /// <summary>Rank 0 owns the run folder; the other ranks log into a scratch folder of their own, removed at the end.</summary>
    private static RunFolder OpenRunFolder(CommandContext context, PretrainConfig config, string? resume, IDistributedContext ranks)
    {
        if (!ranks.IsMain)
            return RunFolder.Create(config.Name, Directory.CreateTempSubdirectory($"cxrvl-rank{ranks.Rank}-").FullName, console: TextWriter.Null);
        return TrainingRuns.Open(context, config.Name, config, resume);
    }
}
