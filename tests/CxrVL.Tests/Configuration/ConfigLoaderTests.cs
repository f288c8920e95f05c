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

    [Fact]
    public void MalformedYamlNamesTheFileAndLine()
    {
        var path = Write("train:\n  max_steps: [1, 2\n");
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<Recipe>(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("line", error.Message);
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
