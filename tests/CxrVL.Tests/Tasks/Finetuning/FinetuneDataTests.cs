using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Tasks.Finetuning;

namespace CxrVL.Tests.Tasks.Finetuning;

public sealed class FinetuneDataTests
{
    /// <summary>600 studies of 200 patients (3 each); patients 0-139 train, 140-169 valid, 170-199 test.</summary>
    private static List<ManifestRow> Rows()
    {
        var rows = new List<ManifestRow>();
        for (var patient = 0; patient < 200; patient++)
        {
            var split = patient < 140 ? "train" : patient < 170 ? "valid" : "test";
            for (var study = 0; study < 3; study++)
            {
                var n = patient * 3 + study;
                rows.Add(new ManifestRow
                {
                    Dataset = "synthetic",
                    SubjectId = $"p{patient}",
                    StudyId = $"p{patient}-s{study}",
                    Split = split,
                    Images = [new ManifestImage { Path = $"{n}.png", Present = true, View = n % 2 == 0 ? "PA" : "AP" }],
                    Labels = (n % 5) switch
                    {
                        0 => new Dictionary<string, int> { ["Edema"] = 1 },
                        1 => new Dictionary<string, int> { ["Edema"] = -1, ["Effusion"] = 1 },
                        2 => new Dictionary<string, int> { ["Effusion"] = 0 },
                        3 => new Dictionary<string, int>(),
                        _ => new Dictionary<string, int> { ["Edema"] = 0, ["Effusion"] = 1 },
                    },
                });
            }
        }
        return rows;
    }

    private static FinetuneConfig Config(double fraction, int seed = 0) => new()
    {
        Data = new FinetuneDataConfig { Labels = ["Edema", "Effusion"], Fraction = fraction, FractionSeed = seed },
    };

    [Fact]
    public void FractionsAreNestedReproducibleAndPatientDisjointFromValidationAndTest()
    {
        var rows = Rows();
        var full = FinetuneData.Prepare(rows, Config(1));
        var ten = FinetuneData.Prepare(rows, Config(0.1));
        var one = FinetuneData.Prepare(rows, Config(0.01));
        // Row 3 of every 5 has no labels and is left out: 420 train studies -> 336.
        Assert.Equal(336, full.Train.Count);
        Assert.Equal(34, ten.Train.Count);
        Assert.Equal(3, one.Train.Count);
        Assert.Subset(ten.Train.Select(r => r.StudyId).ToHashSet(), one.Train.Select(r => r.StudyId).ToHashSet());
        Assert.Subset(full.Train.Select(r => r.StudyId).ToHashSet(), ten.Train.Select(r => r.StudyId).ToHashSet());
        Assert.Equal(ten.Train.Select(r => r.StudyId), FinetuneData.Prepare(rows, Config(0.1)).Train.Select(r => r.StudyId));
        Assert.NotEqual(ten.Train.Select(r => r.StudyId).Order(), FinetuneData.Prepare(rows, Config(0.1, seed: 1)).Train.Select(r => r.StudyId).Order());
        var held = ten.Valid.Concat(ten.Test).Select(r => r.SubjectId).ToHashSet();
        Assert.DoesNotContain(ten.Train, r => held.Contains(r.SubjectId));
        Assert.Equal(full.Valid.Count, ten.Valid.Count);
        Assert.Equal(full.Test.Count, ten.Test.Count);

        // The split file records every row with its role.
        var path = Path.GetTempFileName();
        FinetuneData.WriteSplitFile(path, ten);
        var lines = File.ReadAllLines(path);
        Assert.Equal("study_id,subject_id,role", lines[0]);
        Assert.Equal(ten.Train.Count + ten.Valid.Count + ten.Test.Count, lines.Length - 1);
        File.Delete(path);
    }

    [Fact]
    public void ManifestFractionListsAreUsedWhenTheyCoverThePercent()
    {
        var rows = Rows().Select((r, i) => r.Split == "train" && i % 7 == 0 ? r with { Fractions = [10] } : r).ToList();
        var ten = FinetuneData.Prepare(rows, Config(0.1));
        Assert.All(ten.Train, r => Assert.Contains(10, r.Fractions!));
        Assert.Contains("manifest", ten.FractionSource);
    }

    [Theory]
    [InlineData(UncertainPolicy.Ignore, -1)]
    [InlineData(UncertainPolicy.Ones, 1)]
    [InlineData(UncertainPolicy.Zeros, 0)]
    public void UncertainAndUnmentionedLabelsFollowThePolicies(UncertainPolicy policy, int uncertainBecomes)
    {
        var config = Config(1);
        config.Data.Uncertain = policy;
        var split = FinetuneData.Prepare(Rows(), config);
        var uncertain = split.Train.First(r => r.StudyId == "p0-s1");
        Assert.Equal(uncertainBecomes, uncertain.Labels["Edema"]);
        var unmentioned = split.Train.First(r => r.StudyId == "p0-s0");
        Assert.Equal(0, unmentioned.Labels["Effusion"]);

        config.Data.UnmentionedIsNegative = false;
        Assert.False(FinetuneData.Prepare(Rows(), config).Train.First(r => r.StudyId == "p0-s0").Labels.ContainsKey("Effusion"));
    }

    [Fact]
    public void ViewTargetGivesOneHotClassesAndBalancingEqualisesThem()
    {
        var config = new FinetuneConfig { Data = new FinetuneDataConfig { Target = "view", Labels = ["PA", "AP"] } };
        var split = FinetuneData.Prepare(Rows(), config);
        Assert.True(split.MultiClass);
        Assert.Equal(420, split.Train.Count);
        Assert.All(split.Train, r => Assert.Equal(1, r.Labels.Values.Sum()));

        var skewed = split.Train.Where((r, i) => r.Labels["PA"] == 1 || i % 3 == 0).ToList();
        var balanced = FinetuneData.Balance(skewed);
        Assert.Equal(balanced.Count(r => r.Labels["PA"] == 1), balanced.Count(r => r.Labels["AP"] == 1));
        Assert.Equal(balanced, FinetuneData.Balance(skewed));
    }

    [Fact]
    public void ASplitWithoutUsableRowsIsAClearError()
    {
        var config = new FinetuneConfig { Data = new FinetuneDataConfig { Labels = ["Edema"], ValSplit = "validate" } };
        var error = Assert.Throws<CxrVLException>(() => FinetuneData.Prepare(Rows(), config));
        Assert.Contains("split 'validate'", error.Message);
    }

    /// <summary>Issue 18, item 7: the synthetic rows carry Edema and Effusion only, so 'NotALabel' is on none of them.</summary>
    [Fact]
    public void ALabelNoRowCarriesIsAnErrorNamingWhatTheRowsHave()
    {
        var config = new FinetuneConfig { Data = new FinetuneDataConfig { Labels = ["Edema", "NotALabel"] } };
        var error = Assert.Throws<CxrVLException>(() => FinetuneData.Prepare(Rows(), config));
        Assert.StartsWith("label 'NotALabel' (--labels, data.labels) is on no row of the manifest", error.Message);
        Assert.EndsWith("The rows have: Edema, Effusion.", error.Message);

        config.Data.Labels = ["Edma"];
        Assert.Contains("Did you mean 'Edema'?", Assert.Throws<CxrVLException>(() => FinetuneData.Prepare(Rows(), config)).Message);
    }

    [Fact]
    public void AViewNoImageHasIsAnErrorToo()
    {
        var config = new FinetuneConfig { Data = new FinetuneDataConfig { Target = "view", Labels = ["PA", "AP", "AP SUPINE"] } };
        var error = Assert.Throws<CxrVLException>(() => FinetuneData.Prepare(Rows(), config));
        Assert.StartsWith("view value 'AP SUPINE' (--labels, data.labels) is on no row of the manifest", error.Message);
        Assert.EndsWith("The rows have: AP, PA.", error.Message);
    }
}
