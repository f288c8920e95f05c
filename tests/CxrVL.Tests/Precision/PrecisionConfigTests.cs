using CxrVL.Configuration;
using CxrVL.Precision;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Tests.Precision;

/// <summary><c>train.precision</c> as recipes write it: Lightning's hyphenated names, the snake_case ones, and one clear error.</summary>
public sealed class PrecisionConfigTests
{
    [Theory]
    [InlineData("fp32", TrainingPrecision.Fp32)]
    [InlineData("bf16-mixed", TrainingPrecision.Bf16Mixed)]
    [InlineData("bf16_mixed", TrainingPrecision.Bf16Mixed)]
    [InlineData("FP16-Mixed", TrainingPrecision.Fp16Mixed)]
    [InlineData("fp16_mixed", TrainingPrecision.Fp16Mixed)]
    public void LightningAndSnakeCaseNamesBothParse(string written, TrainingPrecision expected)
    {
        var config = ConfigLoader.Load<PretrainConfig>(null, [$"train.precision={written}"]);

        Assert.Equal(expected, config.Train.Precision);
    }

    [Fact]
    public void DefaultIsFloat32()
    {
        Assert.Equal(TrainingPrecision.Fp32, ConfigLoader.Load<PretrainConfig>(null).Train.Precision);
    }

    [Fact]
    public void UnknownPrecisionListsTheHyphenatedNames()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<PretrainConfig>(null, ["train.precision=bf16"]));

        Assert.StartsWith("config key 'train.precision': 'bf16' is not one of fp32, bf16-mixed, fp16-mixed.", error.Message);
    }

    [Fact]
    public void SavedConfigurationWritesTheHyphenatedName()
    {
        var config = ConfigLoader.Load<PretrainConfig>(null, ["train.precision=bf16_mixed"]);

        Assert.Contains("precision: bf16-mixed", ConfigLoader.ToYaml(config));
    }
}
