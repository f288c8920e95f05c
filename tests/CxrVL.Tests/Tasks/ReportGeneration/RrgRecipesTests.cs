using CxrVL.Configuration;
using CxrVL.Methods.R2Gen;
using CxrVL.Methods.XProNet;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Tests.Cli;
using CxrVL.Tests.Configuration;

namespace CxrVL.Tests.Tasks.ReportGeneration;

/// <summary>
/// Issue 20 for report generation: a recipe's <c>model:</c> section binds to the method's own type (<see cref="XProNetConfig"/>,
/// <see cref="R2GenConfig"/> over the shared transformer keys), so a key of the other method is an error naming the key
/// and the method; run folders written with the union type load as their method.
/// </summary>
public sealed class RrgRecipesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-rrg-recipes-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Recipe(string name) => RecipeLocator.Resolve($"rrg/{name}");

    private static string Legacy(string method) => Path.Combine(AppContext.BaseDirectory, "Tasks", "ReportGeneration", "reference", $"legacy-{method}-run-config.yaml");

    /// <summary>
    /// Every shipped rrg recipe (method recipes and overlays: small, covid-notes, xpronet-mimic): each <c>model:</c> key,
    /// and each key of a <c>by_method:</c> part, is a property of its method's config type; an overlay that states no
    /// method is read by every method.
    /// </summary>
    [Fact]
    public void EveryModelKeyOfEveryShippedRecipeIsReadByItsMethodsConfigType()
    {
        var files = Directory.GetFiles(Path.Combine(RecipeLocator.ConfigsDirectory(), "rrg"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.Contains(files, f => f.EndsWith("small.yaml", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("xpronet-mimic.yaml", StringComparison.Ordinal));
        var checkedKeys = RecipeKeys.AssertModelKeysRead(files, ReportGenerationMethods.Names.ToList(), name => ReportGenerationMethods.Get(name).ConfigType);
        // xpronet.yaml 18, r2gen.yaml 11, small.yaml 6 for each method and 4 in its by_method block.
        Assert.Equal(45, checkedKeys);
    }

    [Fact]
    public void EveryMethodsRecipeAndOwnOverlayStateTheirMethod()
    {
        foreach (var method in ReportGenerationMethods.Names)
            Assert.Contains($"\nmethod: {method}\n", File.ReadAllText(Recipe(method)));
        Assert.Contains("\nmethod: xpronet\n", File.ReadAllText(Recipe("xpronet-mimic")));
    }

    [Theory]
    [InlineData("r2gen", "model.topk=3", "model.topk")]
    [InlineData("xpronet", "model.rm_num_slots=4", "model.rm_num_slots")]
    public void TheCliRefusesAKeyOfTheOtherMethodNamingTheKeyAndTheMethod(string method, string assignment, string key)
    {
        var run = Path.Combine(_directory, "run");
        var (code, _, error) = CliRunner.Run("rrg", "train", "--method", method, "--config", $"rrg/{method}", "--data", Path.Combine(_directory, "none.jsonl"),
            "--out", run, "--set", assignment);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: unknown config key '{key}': method {method} does not read it.", error);
        Assert.False(Directory.Exists(run));
    }

    [Theory]
    [InlineData("r2gen", "model.prototype_init=random", "model.prototype_init")]
    [InlineData("r2gen", "model.con_mean_over_padding=true", "model.con_mean_over_padding")]
    [InlineData("r2gen", "model.label_weight=0.5", "model.label_weight")]
    [InlineData("xpronet", "model.rm_d_model=256", "model.rm_d_model")]
    [InlineData("xpronet", "model.rm_num_heads=4", "model.rm_num_heads")]
    public void AKeyTheMethodDoesNotReadIsAnErrorNamingIt(string method, string assignment, string key)
    {
        var error = Assert.Throws<ConfigException>(() => RrgRecipes.Load([Recipe(method), Recipe("small")], [assignment], method));
        Assert.StartsWith($"unknown config key '{key}': method {method} does not read it.", error.Message);
    }

    [Fact]
    public void AMethodThatDisagreesWithTheRecipeIsAnError()
    {
        var error = Assert.Throws<ConfigException>(() => RrgRecipes.Load([Recipe("xpronet"), Recipe("r2gen")], method: "xpronet"));
        Assert.Contains($"recipe '{Recipe("r2gen")}' is for method 'r2gen', but the method asked for is 'xpronet'", error.Message);
    }

    /// <summary>The CPU overlay's per-method keys (values as written in small.yaml) reach only their method; the shared keys reach both.</summary>
    [Fact]
    public void TheSmallOverlaysByMethodBlockAppliesToItsMethodOnly()
    {
        var xpronet = Assert.IsType<XProNetConfig>(RrgRecipes.Load([Recipe("xpronet"), Recipe("small")]).Model);
        Assert.Equal((5, 8, 128, 256, 2), (xpronet.NumPrototypes, xpronet.Topk, xpronet.DTxt, xpronet.DModel, xpronet.NumLayers));
        var r2gen = Assert.IsType<R2GenConfig>(RrgRecipes.Load([Recipe("r2gen"), Recipe("small")]).Model);
        Assert.Equal((256, 256, 3, "resnet18"), (r2gen.RmDModel, r2gen.DModel, r2gen.RmNumSlots, r2gen.VisualExtractor));
    }

    /// <summary>
    /// Run folders written before the split record both methods' keys (these two by CxrVL of 2026-12-06: a quickstart
    /// xpronet run over rrg/small, and the serving tests' r2gen run over rrg/small at width 32): each loads as its method
    /// with the values it records, the other method's keys at their defaults, at rrg/small's values or (rm_d_model) at
    /// the run's d_model dropped.
    /// </summary>
    [Fact]
    public void ARunConfigWrittenBeforeTheSplitLoadsAsItsMethod()
    {
        var xpronetRun = RrgRecipes.LoadRun(Legacy("xpronet"));
        Assert.Equal("xpronet", xpronetRun.Method);
        var xpronet = Assert.IsType<XProNetConfig>(xpronetRun.Model);
        Assert.Equal((256, 2, 8, 5, 128, true), (xpronet.DModel, xpronet.NumLayers, xpronet.Topk, xpronet.NumPrototypes, xpronet.DTxt, xpronet.VisualExtractorFrozen));
        Assert.Equal([2, 2, 2, 3], xpronet.VisualExtractorLayers);
        Assert.Equal(150, xpronetRun.Train.MaxSteps);

        var r2gen = Assert.IsType<R2GenConfig>(RrgRecipes.LoadRun(Legacy("r2gen")).Model);
        Assert.Equal((32, 32, 3, 8), (r2gen.DModel, r2gen.RmDModel, r2gen.RmNumSlots, r2gen.RmNumHeads));
    }

    /// <summary>A value of the other method's key that CxrVL did not write by itself was the user's, and the run was trained without it.</summary>
    [Theory]
    [InlineData("xpronet", "rm_num_slots: 3", "rm_num_slots: 6", "model.rm_num_slots is 6 there, a key of method r2gen that method xpronet does not read")]
    [InlineData("xpronet", "rm_d_model: 256", "rm_d_model: 128", "model.rm_d_model is 128 there, a key of method r2gen that method xpronet does not read")]
    [InlineData("r2gen", "topk: 8", "topk: 3", "model.topk is 3 there, a key of method xpronet that method r2gen does not read")]
    public void AnOldRunConfigWithAUserValueOfTheOtherMethodsKeyIsOneErrorNamingIt(string method, string written, string changed, string message)
    {
        var text = File.ReadAllText(Legacy(method));
        Assert.Contains($"\n  {written}\n", text);
        var path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, text.Replace($"\n  {written}\n", $"\n  {changed}\n", StringComparison.Ordinal));
        var error = Assert.Throws<ConfigException>(() => RrgRecipes.LoadRun(path));
        Assert.StartsWith($"run configuration '{path}': {message}", error.Message);
    }

    [Fact]
    public void ARunConfigRoundTripsWithOnlyItsMethodsKeys()
    {
        var config = RrgRecipes.Load([Recipe("r2gen"), Recipe("small")], ["model.rm_num_slots=4"]);
        var path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, ConfigLoader.ToYaml(config));
        var text = File.ReadAllText(path);
        Assert.Contains("\nmethod: r2gen\n", text);
        Assert.DoesNotContain("topk", text);
        Assert.DoesNotContain("prototype", text);
        var loaded = Assert.IsType<R2GenConfig>(RrgRecipes.LoadRun(path).Model);
        Assert.Equal((4, 256, 256), (loaded.RmNumSlots, loaded.RmDModel, loaded.DModel));
    }
}
