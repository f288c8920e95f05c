using System.CommandLine;
using System.Text.RegularExpressions;
using CxrVL.Cli.Infrastructure;
using CxrVL.Configuration;
using CxrVL.Runtime;
using CxrVL.Tasks.Finetuning;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Tests.Cli;

/// <summary>
/// Issue 18, items 1, 4, 5, 6, 9 and 15: a recipe is checked when it is bound, before a run folder exists. Each refused
/// value is one a learning rate, a batch or an image size cannot have by definition (a rate must be a finite positive
/// number, a batch holds at least one sample, a ResNet sees the images the data recipe makes), and each test also
/// checks that the refused run left no folder behind.
/// </summary>
public sealed class RecipeValidationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-recipe-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Missing => Path.Combine(_directory, "no-manifest.jsonl");

    private (int Code, string Error, string Out) Pretrain(params string[] extra)
    {
        var output = Path.Combine(_directory, "run-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = CliRunner.Run(["pretrain", "--method", "clip", "--data", Missing, "--config", "pretrain/small", "--out", output, .. extra]);
        return (code, error.Trim(), output);
    }

    private (int Code, string Error, string Out) Finetune(params string[] extra)
    {
        var output = Path.Combine(_directory, "run-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = CliRunner.Run(["finetune", "--data", Missing, "--labels", "Edema", "--out", output, .. extra]);
        return (code, error.Trim(), output);
    }

    [Theory]
    [InlineData("nan", "NaN")]
    [InlineData("-1e-4", "-0.0001")]
    [InlineData("0", "0")]
    [InlineData("Infinity", "Infinity")]
    [InlineData("1e999", "Infinity")]
    public void ALearningRateThatIsNotFiniteAndPositiveIsRefusedByPretrainAndFinetune(string value, string shown)
    {
        var expected = $"error: config key 'train.optimizer.lr': {shown} is out of range; it must be a finite number greater than 0.";

        var (code, error, output) = Pretrain("--set", $"train.optimizer.lr={value}");
        Assert.Equal(2, code);
        Assert.Equal(expected, error);
        Assert.False(Directory.Exists(output));

        (code, error, output) = Finetune("--set", $"train.optimizer.lr={value}");
        Assert.Equal(2, code);
        Assert.Equal(expected, error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void AStageLearningRateIsCheckedToo()
    {
        var (code, error, output) = Pretrain("--set", "train.stages=[{name: a, epochs: 1, optimizer: {lr: -1}}]");
        Assert.Equal(2, code);
        Assert.Equal("error: config key 'train.stages[0].optimizer.lr': -1 is out of range; it must be a finite number greater than 0.", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void ABatchOfNoSamplesIsRefusedAndNoConfigIsRecorded()
    {
        var (code, error, output) = Finetune("--set", "train.batch_size=0");
        Assert.Equal(2, code);
        Assert.Equal("error: config key 'train.batch_size': 0 is out of range; it must be a whole number at least 1.", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void ACommandLineOptionIsCheckedLikeARecipeValue()
    {
        var (code, error, output) = Finetune("--fraction", "0");
        Assert.Equal(2, code);
        Assert.Equal("error: config key 'data.fraction': 0 is out of range; it must be a finite number greater than 0 and at most 1.", error);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("64", "error: config key 'model.image.image_size' is 64, but data.image_recipe 'small-resnet18-imagenet' gives clip images of 128 px")]
    [InlineData("0", "error: config key 'model.image.image_size': 0 is out of range; it must be a whole number at least 1.")]
    public void AnImageSizeTheModelDoesNotSeeIsRefused(string size, string expected)
    {
        var (code, error, output) = Pretrain("--set", $"model.image.image_size={size}");
        Assert.Equal(2, code);
        Assert.StartsWith(expected, error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void TheSmallRecipeAsShippedPassesAndTheRunStopsAtTheMissingManifest()
    {
        var (code, error, output) = Pretrain();
        Assert.Equal(2, code);
        Assert.StartsWith($"error: manifest '{Missing}' does not exist", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void ARecipeWithASyntaxErrorNamesItsFileLineAndColumnThroughTheCommandLine()
    {
        var recipe = Path.Combine(_directory, "broken.yaml");
        File.WriteAllText(recipe, "train:\n  optimizer: {lr: 0.1\n  batch_size: 2\n");
        foreach (var command in new[] { "pretrain", "finetune" })
        {
            var (code, _, error) = command == "pretrain"
                ? CliRunner.Run("pretrain", "--method", "clip", "--data", Missing, "--config", recipe)
                : CliRunner.Run("finetune", "--data", Missing, "--config", recipe);
            Assert.Equal(2, code);
            // PyYAML stops at line 3 of this text and names the '{' at line 2, column 14 (see ConfigLoaderTests).
            Assert.StartsWith($"error: {recipe}:3:", error);
            Assert.Contains("the '{' at line 2, column 14 is not closed", error);
            Assert.Single(error.Trim().Split('\n'));
        }
    }

    /// <summary>Every recipe the project ships binds and passes the range checks; each pretraining method with its CPU overlay too.</summary>
    [Fact]
    public void EveryShippedRecipePassesTheChecks()
    {
        var configs = RecipeLocator.ConfigsDirectory();
        foreach (var file in Directory.GetFiles(Path.Combine(configs, "finetune"), "*.yaml", SearchOption.AllDirectories))
            ConfigLoader.LoadAll<FinetuneConfig>([Path.Combine(configs, "finetune", "classify.yaml"), file]);
        // An rrg recipe over its method's recipe; one that states no method (a shared overlay) over each method's.
        foreach (var file in Directory.GetFiles(Path.Combine(configs, "rrg"), "*.yaml"))
        {
            var stated = MethodRecipes.Stated(ConfigLoader.ReadTree(file), file)?.Name;
            foreach (var method in stated is null ? ReportGenerationMethods.Names : [stated])
                RrgRecipes.Load([Path.Combine(configs, "rrg", $"{method}.yaml"), file], method: method);
        }
        foreach (var (method, overlay) in new[] { ("clip", "small"), ("gloria", "small"), ("mgca", "small"), ("medst", "medst-small"), ("prior", "prior-small"), ("mrm", "mrm-small") })
        {
            foreach (var recipes in new[] { new[] { method }, [method, overlay] })
            {
                var config = PretrainRecipes.Load(recipes.Select(r => Path.Combine(configs, "pretrain", r + ".yaml")).ToList(), method: method);
                PretrainingMethods.BuiltIn.Validate(config);
            }
        }
    }

    /// <summary>
    /// The --set example in each command's help is a key that command accepts. An unknown key is appended after it: the
    /// run must fail on that one, which it reaches only when the example's keys bound.
    /// </summary>
    [Fact]
    public void EverySetExampleInTheHelpIsAKeyTheCommandAccepts()
    {
        var required = new Dictionary<string, string[]>
        {
            ["pretrain"] = ["--method", "clip", "--data", Missing],
            ["finetune"] = ["--data", Missing],
            ["rrg train"] = ["--method", "xpronet", "--data", Missing],
            ["rrg init-prototypes"] = ["--data", Missing, "--output", Path.Combine(_directory, "p.safetensors")],
            ["selfcheck"] = [],
            ["quickstart"] = [],
        };
        var checkedCommands = 0;
        foreach (var (path, command) in Commands(CliApp.BuildRoot(), ""))
        {
            var set = command.Options.FirstOrDefault(o => o.Name == "--set");
            if (set is null || path == "zeroshot")
                continue;
            var examples = Regex.Matches(set.Description!, @"--set (\S+?=\S+?)[.,]?(?=\s|$)").Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(examples);
            string[] sets = [.. examples.SelectMany(e => new[] { "--set", e }), "--set", "zz_not_a_section.key=1"];
            var (code, _, error) = CliRunner.Run([.. path.Split(' '), .. required[path], "--out", Path.Combine(_directory, "never"), .. sets]);
            Assert.Equal(2, code);
            Assert.True(error.StartsWith("error: unknown config key 'zz_not_a_section.key'", StringComparison.Ordinal), $"{path}: {error}");
            checkedCommands++;
        }
        Assert.Equal(required.Count, checkedCommands);
    }

    private static IEnumerable<(string Path, Command Command)> Commands(Command parent, string prefix)
    {
        foreach (var sub in parent.Subcommands)
        {
            var path = (prefix + " " + sub.Name).Trim();
            yield return (path, sub);
            foreach (var nested in Commands(sub, path))
                yield return nested;
        }
    }
}
