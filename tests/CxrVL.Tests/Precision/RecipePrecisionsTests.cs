using CxrVL.Configuration;
using CxrVL.Precision;
using CxrVL.Training;

namespace CxrVL.Tests.Precision;

/// <summary>What <c>cxrvl env</c> lists for the training recipes: each one's train.precision, and what it does on a CPU without it.</summary>
public sealed class RecipePrecisionsTests : IDisposable
{
    private readonly string _configs = Directory.CreateTempSubdirectory("cxrvl-recipes-").FullName;

    public void Dispose() => Directory.Delete(_configs, recursive: true);

    private void Write(string name, string text)
    {
        var path = Path.Combine(_configs, name + ".yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void ListsEveryTrainingRecipeWithItsPrecisionAndWhatItDoesWithoutNativeBfloat16()
    {
        Write("pretrain/mixed", "name: a\ntrain:\n  epochs: 2\n  precision: bf16-mixed\n");
        Write("finetune/plain", "name: b\ntrain: {epochs: 1}\n");
        Write("finetune/mrm/nih-1", "name: c\n");
        Write("rrg/falls", "train:\n  precision: bf16-mixed\n  precision_fallback: fp32\n");
        Write("zeroshot/task", "train:\n  precision: bf16-mixed\n");
        var without = LowPrecisionSupport.FromCpuInfo(["flags\t\t: avx512f avx512_bf16"], hideBfloat16: true);

        var listed = RecipePrecisions.Of(_configs, without, onCpu: true);

        Assert.Equal(["finetune/mrm/nih-1", "finetune/plain", "pretrain/mixed", "rrg/falls"], listed.Select(r => r.Recipe));
        var choice = listed.ToDictionary(r => r.Recipe, r => r.Choice);
        Assert.Equal((TrainingPrecision.Fp32, TrainingPrecision.Fp32, null), (choice["finetune/plain"].Requested, choice["finetune/plain"].Effective, choice["finetune/plain"].Notice));
        Assert.Equal((TrainingPrecision.Bf16Mixed, TrainingPrecision.Bf16Mixed), (choice["pretrain/mixed"].Requested, choice["pretrain/mixed"].Effective));
        Assert.Contains("expect it slower than fp32", choice["pretrain/mixed"].Notice);
        Assert.Equal((TrainingPrecision.Bf16Mixed, TrainingPrecision.Fp32), (choice["rrg/falls"].Requested, choice["rrg/falls"].Effective));

        var native = RecipePrecisions.Of(_configs, LowPrecisionSupport.FromCpuInfo(["flags\t\t: avx512f avx512_bf16"], hideBfloat16: false), onCpu: true);
        Assert.All(native, r => Assert.Null(r.Choice.Notice));
    }

    [Fact]
    public void AnUnknownPrecisionIsAnErrorNamingTheRecipe()
    {
        Write("pretrain/typo", "train:\n  precision: bf16\n");
        var error = Assert.Throws<ConfigException>(() => RecipePrecisions.Of(_configs, LowPrecisionSupport.FromCpuInfo([], false), onCpu: true));
        Assert.Contains(Path.Combine(_configs, "pretrain", "typo.yaml"), error.Message);
        Assert.Contains("'bf16' is not one of fp32, bf16-mixed, fp16-mixed", error.Message);
    }
}
