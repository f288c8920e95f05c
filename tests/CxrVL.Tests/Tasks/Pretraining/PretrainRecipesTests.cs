using CxrVL.Configuration;
using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Gloria;
using CxrVL.Methods.MedST;
using CxrVL.Methods.Mgca;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tests.Configuration;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Tasks.Pretraining;

/// <summary>
/// Issue 20: a method's <c>model:</c> section binds to the method's own type, so a key the method does not read is an
/// error naming the key and the method; every method recipe states its method and an asked-for method must agree.
/// </summary>
public sealed class PretrainRecipesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-pretrain-recipes-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Recipe(string name) => RecipeLocator.Resolve($"pretrain/{name}");

    private static IEnumerable<string> ShippedRecipes() =>
        Directory.GetFiles(Path.Combine(RecipeLocator.ConfigsDirectory(), "pretrain"), "*.yaml").Order(StringComparer.Ordinal);

    /// <summary>
    /// Walks each shipped recipe's <c>model:</c> keys (and each <c>by_method:</c> part's) and finds the property that reads
    /// each one on the method's config type by reflection, snake_case to PascalCase as recipes spell C# names. A shared
    /// overlay states no method: its plain keys must be read by every method.
    /// </summary>
    [Fact]
    public void EveryModelKeyOfEveryShippedRecipeIsReadByItsMethodsConfigType()
    {
        var methods = PretrainingMethods.BuiltIn;
        var checkedKeys = RecipeKeys.AssertModelKeysRead(ShippedRecipes(), methods.Names.ToList(), name => methods.Get(name).ConfigType);
        Assert.True(checkedKeys > 100, $"only {checkedKeys} keys checked");
    }

    [Fact]
    public void EveryMethodsRecipeAndOwnOverlayStateTheirMethod()
    {
        foreach (var method in PretrainingMethods.BuiltIn.Names)
        {
            Assert.Contains($"\nmethod: {method}\n", File.ReadAllText(Recipe(method)));
            var overlay = Path.Combine(RecipeLocator.ConfigsDirectory(), "pretrain", $"{method}-small.yaml");
            if (File.Exists(overlay))
                Assert.Contains($"\nmethod: {method}\n", File.ReadAllText(overlay));
        }
    }

    [Fact]
    public void ATemperatureForGloriaIsAnErrorNamingTheKeyAndTheMethod()
    {
        var (code, _, error) = CliRunner.Run("pretrain", "--method", "gloria", "--data", Path.Combine(_directory, "none.jsonl"),
            "--out", Path.Combine(_directory, "run"), "--set", "model.temperature=0.1");
        Assert.Equal(2, code);
        Assert.StartsWith("error: unknown config key 'model.temperature': method gloria does not read it.", error);
        Assert.False(Directory.Exists(Path.Combine(_directory, "run")));
    }

    [Theory]
    [InlineData("mgca", "model.learn_temperature=false", "model.learn_temperature")]
    [InlineData("prior", "model.learn_temperature=true", "model.learn_temperature")]
    [InlineData("mrm", "model.temperature=0.1", "model.temperature")]
    [InlineData("gloria", "model.projection.kind=batch_norm", "model.projection.kind")]
    // MedST reads MGCA's heads and word/patch alignment, not its prototypes.
    [InlineData("medst", "model.mgca.prototypes=64", "model.mgca.prototypes")]
    public void AKeyTheMethodDoesNotReadIsAnErrorNamingIt(string method, string assignment, string key)
    {
        var error = Assert.Throws<ConfigException>(() => PretrainRecipes.Load([Recipe(method)], [assignment]));
        Assert.StartsWith($"unknown config key '{key}': method {method} does not read it.", error.Message);
    }

    [Fact]
    public void AMethodThatDisagreesWithTheRecipeIsAnError()
    {
        var (code, _, error) = CliRunner.Run("pretrain", "--method", "gloria", "--config", "pretrain/prior-small",
            "--data", Path.Combine(_directory, "none.jsonl"), "--out", Path.Combine(_directory, "run"));
        Assert.Equal(2, code);
        Assert.Contains($"recipe '{Recipe("prior-small")}' is for method 'prior', but the method asked for is 'gloria'", error);

        var overridden = Assert.Throws<ConfigException>(() => PretrainRecipes.Load([Recipe("clip")], ["method=mgca"]));
        Assert.Contains("--set method is for method 'mgca'", overridden.Message);
    }

    [Fact]
    public void ARecipeThatStatesNoMethodIsAnErrorUnlessAMethodIsAsked()
    {
        var error = Assert.Throws<ConfigException>(() => PretrainRecipes.Load([Recipe("small")]));
        Assert.StartsWith("no recipe states its method", error.Message);
        Assert.IsType<GloriaModelConfig>(PretrainRecipes.Load([Recipe("small")], method: "gloria").Model);
    }

    /// <summary>The shared CPU overlay's method-only keys reach the methods that read them (values as in small.yaml), and no other.</summary>
    [Fact]
    public void TheSharedOverlaysByMethodBlockAppliesToItsMethodOnly()
    {
        var clip = Assert.IsType<ClipModelConfig>(PretrainRecipes.Load([Recipe("clip"), Recipe("small")]).Model);
        Assert.Equal((ProjectionKind.BatchNorm, 512), (clip.Projection.Kind, clip.Projection.Hidden));
        var mgca = Assert.IsType<MgcaModelConfig>(PretrainRecipes.Load([Recipe("mgca"), Recipe("small")]).Model);
        Assert.Equal((512, 64), (mgca.Mgca.HiddenDim, mgca.Mgca.Prototypes));
        var medst = Assert.IsType<MedstModelConfig>(PretrainRecipes.Load([Recipe("medst"), Recipe("small")]).Model);
        Assert.Equal(512, medst.Mgca.HiddenDim);
        Assert.IsType<GloriaModelConfig>(PretrainRecipes.Load([Recipe("gloria"), Recipe("small")]).Model);
        // A later --set still wins over the block.
        var overridden = Assert.IsType<ClipModelConfig>(PretrainRecipes.Load([Recipe("clip"), Recipe("small")], ["model.projection.hidden=64"]).Model);
        Assert.Equal(64, overridden.Projection.Hidden);
    }

    /// <summary>A run folder written before methods had their own config types records every method's section: it loads as its method.</summary>
    [Fact]
    public void ARunConfigWrittenBeforeTheChangeLoadsAsItsMethod()
    {
        var legacy = Path.Combine(AppContext.BaseDirectory, "Tasks", "Pretraining", "reference", "legacy-clip-run-config.yaml");
        var config = PretrainRecipes.LoadRun(legacy);
        var clip = Assert.IsType<ClipModelConfig>(config.Model);
        // The values the file records for the keys clip reads.
        Assert.Equal((512, ProjectionKind.BatchNorm, 512, 0.07, true), (clip.EmbedDim, clip.Projection.Kind, clip.Projection.Hidden, clip.Temperature, clip.LearnTemperature));
        Assert.Equal(("resnet18", 128, 96), (clip.Image.Backbone, clip.Image.ImageSize, clip.Text.MaxLength));
        Assert.Equal(275, config.Train.MaxSteps);
    }

    [Fact]
    public void ARunConfigRoundTripsWithOnlyItsMethodsKeys()
    {
        var config = PretrainRecipes.Load([Recipe("mgca"), Recipe("small")]);
        var path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, ConfigLoader.ToYaml(config));
        var text = File.ReadAllText(path);
        Assert.Contains("\nmethod: mgca\n", text);
        Assert.DoesNotContain("prior:", text);
        Assert.DoesNotContain("learn_temperature", text);
        var loaded = Assert.IsType<MgcaModelConfig>(PretrainRecipes.LoadRun(path).Model);
        Assert.Equal((512, 64, 128), (loaded.Mgca.HiddenDim, loaded.Mgca.Prototypes, loaded.EmbedDim));
    }

    [Fact]
    public void ARunConfigOfAnUnknownMethodIsOneErrorNamingIt()
    {
        var path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, "name: old\nmethod: convirt\nmodel: {embed_dim: 512}\n");
        var error = Assert.Throws<CxrVLException>(() => PretrainRecipes.LoadRun(path));
        Assert.Contains("unknown pretraining method 'convirt'", error.Message);
    }
}
