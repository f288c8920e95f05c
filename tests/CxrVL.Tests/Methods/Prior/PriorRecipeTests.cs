using CxrVL.Configuration;
using CxrVL.Data.Loading;
using CxrVL.Methods.Prior;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Tests.Methods.Prior;

/// <summary>The shipped PRIOR recipes against PRIOR's released data setting (fidelity audit §3.3, §7.1).</summary>
public sealed class PriorRecipeTests
{
    [Fact]
    public void FullRecipeTrainsOnEveryStudyWithARandomFrontalImagePerRead()
    {
        var config = PretrainRecipes.Load([RecipeLocator.Resolve("pretrain/prior")]);
        var model = Assert.IsType<PriorModelConfig>(config.Model);

        // mimiccxr.py's builder walks every study (no split); its dataset draws one PA/AP image per read.
        Assert.Equal(PretrainDataConfig.AllSplits, config.Data.TrainSplit);
        Assert.True(string.IsNullOrEmpty(config.Data.ValSplit));
        Assert.Equal(FrontalChoice.RandomPerRead, config.Data.FrontalChoice);
        // Unset: follows the initial weights (the raw view for PRIOR's released full model).
        Assert.Null(model.Prior.LegacyChannelMajorTokens);
        // The deliberate fixes stay, with PRIOR's behaviour one --set away.
        Assert.False(model.Prior.LegacyHungarianIndexing);
        Assert.False(model.Prior.GumbelInEvaluation);
        Assert.All(config.Train.Stages, s => Assert.False(s.Optimizer!.NoDecayOnBiasAndNorm));

        var small = PretrainRecipes.Load([RecipeLocator.Resolve("pretrain/prior"), RecipeLocator.Resolve("pretrain/prior-small")]);
        Assert.Equal("train", small.Data.TrainSplit);
    }
}
