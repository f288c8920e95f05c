using CxrVL.Configuration;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Tests.Tasks.Pretraining;

/// <summary>
/// MGCA's and MedST's caption cleaning (lower case, <c>\w+</c> words, as MGCA's preprocess/mimic_cxr.py and MedST's
/// evaluation scripts clean text) is their methods' default, so every text their models read is cleaned; a recipe can
/// turn it off.
/// </summary>
public sealed class ReportCleaningTests
{
    private static PretrainConfig Load(string recipe, params string[] overrides) =>
        PretrainRecipes.Load([RecipeLocator.Resolve($"pretrain/{recipe}")], overrides);

    [Theory]
    [InlineData("medst", "mgca")]
    [InlineData("mgca", "mgca")]
    [InlineData("clip", null)]
    [InlineData("gloria", null)]
    public void EachMethodCleansAsItsReleasedCodeDoes(string recipe, string? cleaner) =>
        Assert.Equal(cleaner, Load(recipe).Data.Cleaner);

    [Fact]
    public void MedstReadsReportsPromptsAndSentencesAsItsScriptsCleanThem()
    {
        var reading = PairReading.Of(Load("medst").Data, PretrainingMethods.BuiltIn);

        // By hand, as MGCA's preprocessing: split at "2." and ".", lower-cased \w+ words, one-word fragments dropped.
        Assert.Equal("small left pleural effusion increased no pneumothorax", reading.Text("1. Small LEFT pleural effusion, increased.\n2. No pneumothorax. Stable."));
        Assert.Equal("findings suggesting pneumonia", reading.Text("Findings suggesting pneumonia"));
    }

    [Fact]
    public void ACleanerOfNullReadsTheRawText() =>
        Assert.Equal("No pneumothorax.", PairReading.Of(Load("medst", "data.cleaner=null").Data, PretrainingMethods.BuiltIn).Text("No pneumothorax."));
}
