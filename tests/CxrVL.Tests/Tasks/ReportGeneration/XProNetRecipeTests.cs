using CxrVL.Configuration;
using CxrVL.Data.Loading;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Training.Optimizers;
using CxrVL.Training.Schedules;

namespace CxrVL.Tests.Tasks.ReportGeneration;

/// <summary>
/// The XProNet recipes against the values of the released scripts (Markin-Wang/XProNet 1c9279b: run_iu_xray.sh,
/// run_mimic_cxr.sh, main.py defaults, modules/optimizers.py and trainer.py), transcribed here by hand.
/// </summary>
public sealed class XProNetRecipeTests
{
    private static RrgConfig Load(params string[] recipes) =>
        RrgRecipes.Load(recipes.Select(RecipeLocator.Resolve).ToList());

    [Fact]
    public void The_iu_recipe_trains_as_run_iu_xray_sh()
    {
        var config = Load("rrg/xpronet");
        var train = config.Train;
        // optimizers.py: Adam(amsgrad=True, weight_decay=5e-5) over every parameter; lr_ve 1e-3, lr_ed 2e-3.
        Assert.Equal(OptimizerKind.Adam, train.Optimizer.Kind);
        Assert.True(train.Optimizer.Amsgrad);
        Assert.False(train.Optimizer.NoDecayOnBiasAndNorm);
        Assert.Equal(5e-5, train.Optimizer.WeightDecay);
        Assert.Equal(2e-3, train.Optimizer.Lr);
        Assert.Equal(0.5, train.Optimizer.LrScales["visual_extractor."]);
        Assert.Equal([0.9, 0.98], train.Optimizer.Betas);
        Assert.Equal(1e-9, train.Optimizer.Eps);
        // StepLR(step_size 10 epochs, gamma 0.8); 30 epochs of 16; no gradient clipping anywhere in the trainer.
        Assert.Equal(ScheduleKind.Step, train.Schedule.Kind);
        Assert.Equal(10, train.Schedule.StepSizeEpochs);
        Assert.Equal(0.8, train.Schedule.Gamma);
        Assert.Equal(30, train.Epochs);
        Assert.Equal(16, train.BatchSize);
        Assert.Null(train.ClipGradNorm);
        // trainer.py: validation every epoch, best on BLEU-4 + 0.33 BLEU-1 + 0.67 METEOR.
        Assert.Equal(1, train.ValEveryEpochs);
        Assert.Equal(0, train.ValEvery);
        Assert.Equal(ReportTraining.XProNetSelectionMetric, train.Monitor);
        // Beam 3 through beam_search, which has no trigram blocking.
        Assert.Equal(3, config.Decoding.BeamSize);
        Assert.False(config.Decoding.BlockTrigrams);
        Assert.Equal(60, config.Data.MaxSeqLength);
        Assert.Equal(3, config.Data.VocabThreshold);
        Assert.Equal(StudyViews.Pair, config.Data.Views);
    }

    [Fact]
    public void The_mimic_overlay_trains_as_run_mimic_cxr_sh()
    {
        var config = Load("rrg/xpronet", "rrg/xpronet-mimic");
        Assert.Equal(StudyViews.Frontal, config.Data.Views);
        Assert.Equal("r2gen-mimic", config.Data.Cleaner);
        Assert.Equal(10, config.Data.VocabThreshold);
        Assert.Equal(100, config.Data.MaxSeqLength);
        Assert.Equal(100, config.Decoding.MaxLength);
        Assert.Equal(64, config.Train.BatchSize);
        Assert.Equal(30, config.Train.Epochs);
        Assert.Equal(1e-4, config.Train.Optimizer.Lr);                                // lr_ed
        Assert.Equal(5e-5, config.Train.Optimizer.Lr * config.Train.Optimizer.LrScales["visual_extractor."]); // lr_ve
        Assert.Equal(3, config.Train.Schedule.StepSizeEpochs);
        Assert.Equal(0.8, config.Train.Schedule.Gamma);                                // main.py default
        Assert.Equal(OptimizerKind.Adam, config.Train.Optimizer.Kind);
        Assert.Null(config.Train.ClipGradNorm);
    }
}
