using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Runs;

namespace CxrVL.Tests.Cli;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void SetWithUnknownKeyFailsNamingTheKeyAndTheSuggestion()
    {
        var (code, _, error) = Run("selfcheck", "--out", _directory, "--set", "train.stpes=5");

        Assert.Equal(2, code);
        Assert.Equal("error: unknown config key 'train.stpes'. Did you mean 'train.steps'?", error.Trim());
    }

    [Fact]
    public void SelfCheckWritesARunFolderWithConfigMetricsAndLog()
    {
        var (code, output, error) = Run("selfcheck", "--out", _directory, "--seed", "2",
                                        "--set", "train.steps=50", "--set", "benchmark.matmul_size=64");

        Assert.True(code == 0, error + output);
        Assert.Contains("selfcheck passed", output);
        Assert.Contains("steps: 50", File.ReadAllText(Path.Combine(_directory, "config.yaml")));
        Assert.Contains("--set train.steps=50", File.ReadAllText(Path.Combine(_directory, "command.txt")));
        Assert.True(Directory.Exists(Path.Combine(_directory, "checkpoints")));
        var steps = MetricsLog.Read(Path.Combine(_directory, "metrics.jsonl"))
            .Where(line => line.TryGetProperty("step", out _)).ToList();
        Assert.Equal(Enumerable.Range(1, 50), steps.Select(s => s.GetProperty("step").GetInt32()));
        Assert.Contains("selfcheck passed", File.ReadAllText(Path.Combine(_directory, "log.txt")));
    }

    [Fact]
    public void EnvReportsLibTorchVersionAndForwardBackwardResult()
    {
        var (code, output, error) = Run("env");

        Assert.True(code == 0, error + output);
        Assert.Matches(@"libtorch\s+2\.10\.\d+", output);
        Assert.Matches(@"self-check\s+forward/backward: loss [\d.]+ -> [\d.]+", output);
        Assert.Contains("self-check     passed", output);
    }

    [Fact]
    public void CudaDeviceOnACpuBuildIsAClearError()
    {
        if (TorchSharp.torch.cuda.is_available())
            return;
        var (code, _, error) = Run("env", "--device", "cuda", "--no-check");
        Assert.Equal(2, code);
        Assert.StartsWith("error: device 'cuda' requested but CUDA is not available", error);
    }

    [Fact]
    public void VersionPrintsTheAssemblyVersion()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.StartsWith("0.1.0", output.Trim());
    }

    [Fact]
    public void EveryCommandHasDescribedHelp()
    {
        var root = CliApp.BuildRoot();
        var commands = new List<(string Path, Command Command)>();
        void Walk(string prefix, Command command)
        {
            foreach (var sub in command.Subcommands)
            {
                var path = (prefix + " " + sub.Name).Trim();
                commands.Add((path, sub));
                Walk(path, sub);
            }
        }
        Walk("", root);

        Assert.Contains(commands, c => c.Path == "env");
        foreach (var (path, command) in commands)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"'{path}' has no description");
            var (code, output, _) = Run([.. path.Split(' '), "--help"]);
            Assert.Equal(0, code);
            Assert.Contains("Usage:", output);
        }
    }
}
