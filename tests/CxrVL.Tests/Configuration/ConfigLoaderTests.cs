using System.Text.RegularExpressions;
using CxrVL.Configuration;

namespace CxrVL.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class Recipe
    {
        public string Name { get; set; } = "default";
        public TrainSection Train { get; set; } = new();
        public List<string> Labels { get; set; } = [];
        public Mode Mode { get; set; } = Mode.Linear;
        public double? Temperature { get; set; }
        public Dictionary<string, double> LossWeights { get; set; } = [];
    }

    private sealed class TrainSection
    {
        public int MaxSteps { get; set; } = 100;
        public double LearningRate { get; set; } = 1e-3;
        public bool Amp { get; set; }
    }

    private enum Mode { Linear, FullFinetune }

    private string Write(string yaml)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void RecipeValuesReplaceDefaultsAndUnsetKeysKeepThem()
    {
        var path = Write("name: clip\ntrain:\n  learning_rate: 5.0e-5\nlabels: [Edema, Atelectasis]\nmode: full_finetune\n");

        var recipe = ConfigLoader.Load<Recipe>(path);

        Assert.Equal("clip", recipe.Name);
        Assert.Equal(5e-5, recipe.Train.LearningRate);
        Assert.Equal(100, recipe.Train.MaxSteps);
        Assert.Equal(["Edema", "Atelectasis"], recipe.Labels);
        Assert.Equal(Mode.FullFinetune, recipe.Mode);
        Assert.Null(recipe.Temperature);
    }

    [Theory]
    [InlineData("full_finetune")]
    [InlineData("full-finetune")]
    [InlineData("FullFinetune")]
    public void EnumNamesAcceptHyphensForUnderscores(string written)
    {
        Assert.Equal(Mode.FullFinetune, ConfigLoader.Load<Recipe>(null, [$"mode={written}"]).Mode);
    }

    [Fact]
    public void OverridesWinOverTheRecipeAndParseAsYaml()
    {
        var path = Write("train:\n  max_steps: 10\n");

        var recipe = ConfigLoader.Load<Recipe>(path,
            ["train.max_steps=250", "train.amp=true", "labels=[a, b, c]", "temperature=0.07", "loss_weights.global=0.5", "name=x=y"]);

        Assert.Equal(250, recipe.Train.MaxSteps);
        Assert.True(recipe.Train.Amp);
        Assert.Equal(["a", "b", "c"], recipe.Labels);
        Assert.Equal(0.07, recipe.Temperature);
        Assert.Equal(0.5, recipe.LossWeights["global"]);
        Assert.Equal("x=y", recipe.Name);
    }

    [Fact]
    public void UnknownNestedKeyNamesTheKeyAndTheClosestValidKey()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<Recipe>(null, ["train.max_step=5"]));
        Assert.Equal("unknown config key 'train.max_step'. Did you mean 'train.max_steps'?", error.Message);
    }

    [Fact]
    public void MisspeltSectionIsReportedWithTheFullKeyAsTyped()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<Recipe>(null, ["trian.max_steps=5"]));
        Assert.Equal("unknown config key 'trian.max_steps'. Did you mean 'train.max_steps'?", error.Message);
    }

    [Fact]
    public void UnknownKeyInTheRecipeFileIsAnErrorToo()
    {
        var path = Write("train:\n  learnig_rate: 0.1\n");
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<Recipe>(path));
        Assert.Contains("'train.learnig_rate'", error.Message);
        Assert.Contains("'train.learning_rate'", error.Message);
    }

    [Fact]
    public void KeyFarFromEveryValidKeyListsTheValidKeys()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<Recipe>(null, ["train.zzzzzzzz=1"]));
        Assert.Contains("Valid keys under 'train': amp, learning_rate, max_steps.", error.Message);
    }

    [Theory]
    [InlineData("train.max_steps=ten", "config key 'train.max_steps': 'ten' is not a whole number.")]
    [InlineData("train.amp=maybe", "config key 'train.amp': 'maybe' is not true or false.")]
    [InlineData("mode=full", "config key 'mode': 'full' is not one of linear, full_finetune.")]
    [InlineData("train=3", "config key 'train' is a section")]
    [InlineData("nokey", "override 'nokey' must have the form key.sub=value.")]
    public void BadValuesNameTheKeyAndTheProblem(string assignment, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<Recipe>(null, [assignment]));
        Assert.StartsWith(expected, error.Message);
    }

    [Theory]
    // Issue 18, item 1. The expected positions are PyYAML's for the same texts (yaml.safe_load's marks, 1-based): the
    // line where the text cannot go on, and the bracket left open (its context mark).
    [InlineData("train:\n  optimizer: {lr: 0.1\n  batch_size: 2\n", 3, "the '{' at line 2, column 14 is not closed")]
    [InlineData("name: x\nlabels: [a, b\nmode: linear\n", 3, "the '[' at line 2, column 9 is not closed")]
    [InlineData("name: x\n  mode: linear\n", 2, "")]
    public void MalformedYamlNamesTheFileLineAndColumn(string yaml, int line, string unclosed)
    {
        var path = Write(yaml);
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<Recipe>(path));
        Assert.Matches($"^{Regex.Escape(path)}:{line}:\\d+: not valid YAML", error.Message);
        Assert.Contains(unclosed, error.Message);
    }

    [Fact]
    public void ARecipeThatIsNotUtf8NamesTheFileAndTheByte()
    {
        var path = Write("");
        File.WriteAllBytes(path, [.. "name: x\nlabels: [a"u8, 0xE9, .. "]\n"u8]);
        var error = Assert.Throws<CxrVLException>(() => ConfigLoader.Load<Recipe>(path));
        Assert.Equal($"{path}:2:11: not valid UTF-8 (byte 0xE9); save the file as UTF-8.", error.Message);
    }

    [Fact]
    public void ResolvedConfigRoundTripsThroughYaml()
    {
        var recipe = ConfigLoader.Load<Recipe>(null, ["train.max_steps=7", "labels=[x]", "loss_weights.local=2"]);

        var again = ConfigLoader.Load<Recipe>(Write(ConfigLoader.ToYaml(recipe)));

        Assert.Equal(7, again.Train.MaxSteps);
        Assert.Equal(["x"], again.Labels);
        Assert.Equal(2, again.LossWeights["local"]);
        Assert.Equal(recipe.Train.LearningRate, again.Train.LearningRate);
    }

    [Fact]
    public void ShippedSelfCheckRecipeBindsToItsType()
    {
        var recipe = ConfigLoader.Load<CxrVL.Runtime.SelfCheckConfig>(RecipeLocator.Resolve("selfcheck"));
        Assert.Equal("selfcheck", recipe.Name);
    }
}
