using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Weights;

public sealed class StateDictLoaderTests
{
    private static nn.Module<Tensor, Tensor> Model() =>
        nn.Sequential(("fc", nn.Linear(3, 2)), ("norm", nn.BatchNorm1d(2)));

    private static StateDict Matching(string prefix = "")
    {
        var stateDict = new StateDict();
        stateDict.Add(prefix + "fc.weight", arange(6, dtype: ScalarType.Float32).reshape(2, 3));
        stateDict.Add(prefix + "fc.bias", tensor(new[] { 7f, 8f }));
        stateDict.Add(prefix + "norm.weight", ones(2));
        stateDict.Add(prefix + "norm.bias", zeros(2));
        stateDict.Add(prefix + "norm.running_mean", tensor(new[] { 0.5f, -0.5f }));
        stateDict.Add(prefix + "norm.running_var", tensor(new[] { 2f, 3f }));
        stateDict.Add(prefix + "norm.num_batches_tracked", tensor(11L));
        return stateDict;
    }

    [Fact]
    public void MatchingStateDictCopiesEveryParameterAndBuffer()
    {
        using var model = Model();
        using var stateDict = Matching();
        var report = StateDictLoader.Load(model, stateDict);

        Assert.True(report.IsExact);
        Assert.Equal(7, report.Loaded.Count);
        var target = model.state_dict();
        foreach (var (name, value) in stateDict)
            Assert.True(value.Equals(target[name]), name);
    }

    [Fact]
    public void StrictLoadListsMissingUnexpectedAndMismatchedKeysAndLoadsNothing()
    {
        using var model = Model();
        using var before = model.state_dict()["fc.bias"].clone();
        using var stateDict = new StateDict();
        stateDict.Add("fc.weight", zeros(2, 4));
        stateDict.Add("fc.bias", tensor(new[] { 7f, 8f }));
        stateDict.Add("head.weight", zeros(1));

        var error = Assert.Throws<StateDictLoadException>(() => StateDictLoader.Load(model, stateDict, source: "x.pt"));
        Assert.Equal(["norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"],
                     error.Report.Missing);
        Assert.Equal(["head.weight"], error.Report.Unexpected);
        Assert.Equal(new ShapeMismatch("fc.weight", [2, 4], [2, 3]).ToString(), Assert.Single(error.Report.ShapeMismatches).ToString());
        Assert.Contains("the checkpoint x.pt does not match", error.Message);
        Assert.Contains("5 missing keys: norm.weight, norm.bias", error.Message);
        Assert.Contains("1 unexpected key: head.weight", error.Message);
        Assert.Contains("1 shape mismatch: fc.weight: checkpoint [2, 4] vs module [2, 3]", error.Message);
        Assert.True(before.Equals(model.state_dict()["fc.bias"]), "a failed strict load changed the module");
    }

    [Fact]
    public void NonStrictLoadCopiesWhatMatchesAndReportsTheRest()
    {
        using var model = Model();
        using var stateDict = new StateDict();
        stateDict.Add("fc.weight", zeros(2, 4));
        stateDict.Add("fc.bias", tensor(new[] { 7f, 8f }));

        var report = StateDictLoader.Load(model, stateDict, strict: false);
        Assert.Equal(["fc.bias"], report.Loaded);
        Assert.Single(report.ShapeMismatches);
        Assert.Equal([7f, 8f], model.state_dict()["fc.bias"].data<float>().ToArray());
    }

    [Fact]
    public void PrefixedCheckpointFailsWithASuggestionAndLoadsWithTheKeyMap()
    {
        using var model = Model();
        using var stateDict = Matching("module.");
        var error = Assert.Throws<StateDictLoadException>(() => StateDictLoader.Load(model, stateDict));
        Assert.Contains("Key map 'strip:module.' would match more keys", error.Message);

        var report = StateDictLoader.Load(model, stateDict, KeyMap.Parse("strip:module."));
        Assert.True(report.IsExact);
    }

    [Fact]
    public void AllowedMissingPrefixesDoNotFailAStrictLoad()
    {
        using var model = Model();
        using var stateDict = Matching();
        using var partial = new KeyMap([new KeyMapRule(KeyMapAction.Drop, "norm.")]).Apply(stateDict);
        var report = StateDictLoader.Load(model, partial, allowMissing: ["norm."]);
        Assert.Equal(5, report.AllowedMissing.Count);
        Assert.Empty(report.Missing);
    }

    [Fact]
    public void ModuleSavedToSafeTensorsLoadsIntoAFreshModuleExactly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cxrvl-module-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var source = Model();
            using (var borrowed = StateDict.Borrow(source))
                SafeTensors.Write(path, borrowed);
            Assert.True(source.state_dict()["fc.weight"].numel() == 6, "borrowing must not dispose the module's tensors");

            using var target = Model();
            using var read = SafeTensors.Read(path);
            Assert.True(StateDictLoader.Load(target, read).IsExact);
            foreach (var (name, value) in source.state_dict())
                Assert.True(value.Equals(target.state_dict()[name]), name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
