using CxrVL.Configuration;
using CxrVL.Tasks.ZeroShot;

namespace CxrVL.Tests.Tasks.ZeroShot;

public sealed class ZeroShotPromptsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-prompts-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ComposedListsGiveEveryCombinationWithoutEmptyWords()
    {
        var prompts = ZeroShotPrompts.Combinations([["", "mild"], ["edema"], ["at the bases", "in both lungs"]]);

        Assert.Equal(["edema at the bases", "edema in both lungs", "mild edema at the bases", "mild edema in both lungs"], prompts);
    }

    [Fact]
    public void VocabularyClassesComposeSeverityTimesSubtypeTimesLocationAndSampleBySeed()
    {
        var vocabulary = Path.Combine(_directory, "prompts.json");
        File.WriteAllText(vocabulary, """
            {"CHEXPERT_CLASS_PROMPTS": {"Edema": {"severity": ["", "mild", "severe"], "subtype": ["edema", "pulmonary edema"],
             "location": ["", "at the bases"]}}}
            """);
        var config = new ZeroShotConfig
        {
            PromptVocabulary = vocabulary,
            Classes = new()
            {
                ["Edema"] = new ZeroShotClass { Vocabulary = "Edema" },
                ["normal"] = new ZeroShotClass { Prompts = ["no acute disease"] },
            },
        };

        var all = ZeroShotPrompts.Resolve(config)["Edema"];
        config.PromptsPerClass = 4;
        var sampled = ZeroShotPrompts.Resolve(config, seed: 7)["Edema"];

        Assert.Equal(3 * 2 * 2, all.Count);
        Assert.Contains("severe pulmonary edema at the bases", all);
        Assert.Contains("edema", all);
        Assert.Equal(4, sampled.Count);
        Assert.Subset(all.ToHashSet(), sampled.ToHashSet());
        Assert.Equal(sampled, ZeroShotPrompts.Resolve(config, seed: 7)["Edema"]);
        Assert.Equal(["no acute disease"], ZeroShotPrompts.Resolve(config)["normal"]);
    }

    [Fact]
    public void TheBuiltInChexpertRecipeUsesGloriasVocabulary()
    {
        var config = ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve("zeroshot/chexpert5"), ["prompts_per_class=0"]);

        var prompts = ZeroShotPrompts.Resolve(config);

        Assert.Equal(["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"], prompts.Keys);
        // GLoRIA's Atelectasis vocabulary: 3 severities x 7 subtypes x 10 locations.
        Assert.Equal(210, prompts["Atelectasis"].Count);
        Assert.Contains("mild bibasilar atelectasis at the lung bases", prompts["Atelectasis"]);
    }

    [Fact]
    public void AClassWithoutAnyPromptIsAClearError()
    {
        var config = new ZeroShotConfig { Classes = new() { ["a"] = new ZeroShotClass(), ["b"] = new ZeroShotClass { Prompts = ["x"] } } };

        var error = Assert.Throws<CxrVLException>(() => ZeroShotPrompts.Resolve(config));

        Assert.Contains("'a' has no prompts", error.Message);
    }
}
