using CxrVL.Configuration;
using CxrVL.Methods.Mrm;
using CxrVL.Tasks.Finetuning;
using CxrVL.Tasks.Pretraining;
using CxrVL.Training;
using CxrVL.Training.Optimizers;
using CxrVL.Training.Schedules;
using YamlDotNet.RepresentationModel;

namespace CxrVL.Tests.Methods.Mrm;

/// <summary>The shipped MRM recipes against MRM's run.sh and fine-tuning table (anchors §5.3, §5.5, §10.4).</summary>
public sealed class MrmRecipeTests
{
    [Fact]
    public void PretrainingRecipeIsRunShOnOneMachine()
    {
        var config = PretrainRecipes.Load([RecipeLocator.Resolve("pretrain/mrm")]);
        var model = Assert.IsType<MrmModelConfig>(config.Model);

        Assert.Equal("mrm", config.Name);
        Assert.Equal(0.75, model.Mrm.MaskRatio);
        Assert.Equal(448, model.Mrm.TargetImageSize);
        Assert.Equal((768, 4, 6), (model.Mrm.DecoderDim, model.Mrm.DecoderDepth, model.Mrm.DecoderHeads));
        // The MLM loss on masked positions is CxrVL's documented choice; MRM's code (labels = ids everywhere) is one --set away.
        Assert.Equal(MlmLossPositions.Masked, model.Mrm.MlmLossOn);
        var released = PretrainRecipes.Load([RecipeLocator.Resolve("pretrain/mrm")], ["model.mrm.mlm_loss_on=all"]);
        Assert.Equal(MlmLossPositions.All, Assert.IsType<MrmModelConfig>(released.Model).Mrm.MlmLossOn);
        Assert.Equal((6, 384, 6, 1536, 100, 30000), (config.Model.Text.Layers, config.Model.Text.Hidden, config.Model.Text.Heads,
            config.Model.Text.Intermediate, config.Model.Text.MaxLength, config.Model.Text.TrainVocabulary));
        // 4 GPUs x 32 x accum_iter 2 = 256 samples per step; lr = 1.5e-4 x 256 / 256.
        var train = config.Train;
        Assert.Equal(256, train.BatchSize * train.AccumulateGradBatches);
        Assert.Equal(1.5e-4, train.Optimizer.PeakLr(256), 12);
        Assert.Equal([0.9, 0.95], train.Optimizer.Betas);
        Assert.Equal(0.05, train.Optimizer.WeightDecay);

        // 200 epochs, 40 of them warmup: with 80 batches an epoch (10 optimizer steps), 2,000 steps and 400 of warmup.
        var stage = TrainingPlan.Create(train, batchesPerEpoch: 80).Single();
        Assert.Equal(2000, stage.Steps);
        var schedule = new LearningRateSchedule(stage.Schedule, 1.5e-4, stage.Steps);
        Assert.Equal(400, schedule.WarmupSteps);
        Assert.Equal(0, schedule.LearningRate(0));
        Assert.Equal(1.5e-4, schedule.LearningRate(400), 12);
        Assert.Equal(0.75e-4, schedule.LearningRate(1200), 12);
    }

    [Fact]
    public void SmallOverlayKeepsTheTwofoldReconstruction()
    {
        var config = PretrainRecipes.Load([RecipeLocator.Resolve("pretrain/mrm"), RecipeLocator.Resolve("pretrain/mrm-small")]);
        var model = Assert.IsType<MrmModelConfig>(config.Model);

        Assert.Equal(2 * config.Model.Image.ImageSize, model.Mrm.TargetImageSize);
        Assert.Equal(model.Mrm.TargetImageSize, CxrVL.Imaging.ImageRecipes.BuiltIn.Get(config.Data.ImageRecipe).Size);
    }

    [Theory]
    [InlineData("nih-1", 3e-2, 50, 3000)]
    [InlineData("nih-10", 3e-3, 500, 30000)]
    [InlineData("nih-100", 3e-3, 5000, 200000)]
    [InlineData("rsna-1", 3e-3, 50, 2000)]
    [InlineData("rsna-10", 5e-4, 200, 10000)]
    [InlineData("rsna-100", 5e-4, 2000, 50000)]
    [InlineData("chexpert-1", 3e-3, 150, 2000)]
    [InlineData("chexpert-10", 5e-4, 1500, 60000)]
    [InlineData("chexpert-100", 5e-4, 15000, 200000)]
    [InlineData("covid-100", 3e-2, 50, 1000)]
    public void FinetuningRecipePlansMrmsStepsAndRates(string row, double lr, int warmup, int steps)
    {
        var train = new YamlMappingNode();
        foreach (var file in new[] { "finetune/mrm", $"finetune/mrm/{row}" })
            ConfigLoader.Merge(train, (YamlMappingNode)ConfigLoader.ReadTree(RecipeLocator.Resolve(file)).Children[new YamlScalarNode("train")]);
        var config = ConfigLoader.Bind<TrainingConfig>(train);

        // A 1% NIH training set: 785 images, 8 batches of 96 an epoch; the run is measured in steps, not epochs.
        var stage = TrainingPlan.Create(config, batchesPerEpoch: 8).Single();
        var schedule = new LearningRateSchedule(stage.Schedule, stage.Optimizer.PeakLr(96), stage.Steps);
        Assert.Equal(steps, stage.Steps);
        Assert.Equal(warmup, schedule.WarmupSteps);
        Assert.Equal(lr, schedule.LearningRate(warmup), 12);
        Assert.Equal(OptimizerKind.Sgd, stage.Optimizer.Kind);
        Assert.Equal((0.9, 0.0), (stage.Optimizer.Momentum, stage.Optimizer.WeightDecay));
        Assert.Equal(1.0, config.ClipGradNorm);
        Assert.Equal(96, config.BatchSize);
    }

    [Fact]
    public void FinetuningRecipeOverlaysTheClassificationRecipe()
    {
        var config = ConfigLoader.LoadAll<FinetuneConfig>(new[] { "finetune/classify", "finetune/mrm", "finetune/mrm/nih-1" }.Select(RecipeLocator.Resolve).ToList());

        Assert.Equal(FinetuneMode.Full, config.Mode);
        Assert.Equal(("vit_b16", 224, 0.1), (config.Encoder.Backbone, config.Encoder.ImageSize, config.Encoder.DropPath));
        Assert.Equal("mrm", config.Data.ImageRecipe);
        Assert.Equal((3000L, 50L), (config.Train.MaxSteps!.Value, config.Train.Schedule.WarmupSteps));
        Assert.Null(config.Train.Schedule.WarmupFraction);
        Assert.Equal(0, config.Train.Patience);
        // MRM's train.py validates every epoch, keeps the checkpoint with the best validation AUROC and starts the head with
        // trunc_normal(std=2e-5).
        Assert.Equal(0, config.Train.ValEvery);
        Assert.Equal(("val_auroc", MetricGoal.Max), (config.Train.Monitor, config.Train.MonitorGoal));
        Assert.Equal(2e-5, config.Head.InitStd);
    }
}
