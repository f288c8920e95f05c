using CxrVL.Data.Manifest;
using CxrVL.Data.Splits;

namespace CxrVL.Tests.Data.Splits;

public sealed class SplitTests
{
    private static readonly string[] Subjects = Enumerable.Range(0, 1000).Select(i => $"p{i}").ToArray();

    [Fact]
    public void PatientSplitHasTheProportionsAndIsReproducible()
    {
        var split = PatientSplitter.Assign(Subjects, [0.7, 0.1, 0.2], seed: 3);
        Assert.Equal(700, split.Values.Count(s => s == ManifestSplits.Train));
        Assert.Equal(100, split.Values.Count(s => s == ManifestSplits.Valid));
        Assert.Equal(200, split.Values.Count(s => s == ManifestSplits.Test));
        Assert.Equal(split, PatientSplitter.Assign(Subjects.Reverse(), [0.7, 0.1, 0.2], seed: 3));
        Assert.NotEqual(split, PatientSplitter.Assign(Subjects, [0.7, 0.1, 0.2], seed: 4));
    }

    [Fact]
    public void AddingAPatientMovesNoOtherPatient()
    {
        var before = PatientSplitter.Assign(Subjects, [0.5, 0, 0.5], seed: 0);
        var after = PatientSplitter.Assign(Subjects.Append("new"), [0.5, 0, 0.5], seed: 0);
        // Ranks are kept, so at most the patients at the cut change side.
        Assert.True(Subjects.Count(s => before[s] != after[s]) <= 1);
    }

    [Fact]
    public void BadProportionsAreAUserError() =>
        Assert.Throws<CxrVLException>(() => PatientSplitter.Assign(Subjects, [0.7, 0.3], seed: 0));

    [Fact]
    public void FractionsAreNestedExactAndReproducible()
    {
        var studies = Enumerable.Range(0, 2500).Select(i => $"s{i}").ToList();
        var fractions = FractionSampler.Assign(studies, [10, 1], seed: 7);
        var one = fractions.Where(f => f.Value.Contains(1)).Select(f => f.Key).ToHashSet();
        var ten = fractions.Where(f => f.Value.Contains(10)).Select(f => f.Key).ToHashSet();
        Assert.Equal(25, one.Count);
        Assert.Equal(250, ten.Count);
        Assert.Subset(ten, one);
        Assert.All(fractions.Values, f => Assert.Equal(f.Order(), f));
        var again = FractionSampler.Assign(Enumerable.Reverse(studies), [1, 10], seed: 7);
        Assert.Equal(fractions.Keys.Order(), again.Keys.Order());
        Assert.NotEqual(ten, FractionSampler.Assign(studies, [10], seed: 8).Keys.ToHashSet());
    }

    [Fact]
    public void TinyTrainingSetStillGetsOneStudyPerFraction() =>
        Assert.Single(FractionSampler.Assign(["a", "b", "c"], [1], seed: 0));
}
