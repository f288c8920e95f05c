using System.Text.Json;
using CxrVL.Cli.Infrastructure;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Weights;

public sealed class CheckpointReaderTests(TorchCheckpointFixture files) : IClassFixture<TorchCheckpointFixture>
{
    private static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16, ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8, ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    internal static byte[] Bytes(Tensor tensor)
    {
        using var contiguous = tensor.contiguous();
        return contiguous.bytes.ToArray();
    }

    /// <summary>Every tensor has the name, order, dtype, shape and bytes torch wrote for it.</summary>
    private void AssertMatchesTorch(StateDict stateDict)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(files.Path("expected.json")));
        var expected = manifest.RootElement.EnumerateObject().ToList();
        Assert.Equal(expected.Select(e => e.Name), stateDict.Keys);
        foreach (var entry in expected)
        {
            var tensor = stateDict[entry.Name];
            Assert.Equal(DTypes[entry.Value.GetProperty("dtype").GetString()!], tensor.dtype);
            Assert.Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()), tensor.shape);
            Assert.True(File.ReadAllBytes(files.Path($"expected/{entry.Name}.bin")).AsSpan().SequenceEqual(Bytes(tensor)),
                        $"bytes of '{entry.Name}' differ from torch's");
        }
    }

    [Theory]
    [InlineData("zip.pt")]
    [InlineData("legacy.pt")]
    [InlineData("protocol4.pt")]
    [InlineData("protocol4_legacy.pt")]
    public void TorchSaveFilesReadBitwiseEqualToTorch(string name)
    {
        using var stateDict = CheckpointReader.Read(files.Path(name));
        AssertMatchesTorch(stateDict);
    }

    [Theory]
    [InlineData("zip.pt", "PyTorch zip")]
    [InlineData("legacy.pt", "PyTorch legacy")]
    public void InspectListsShapesWithoutReadingValuesAndShowsOtherEntries(string name, string format)
    {
        var summary = CheckpointReader.Inspect(files.Path(name));
        Assert.StartsWith(format, summary.Format);
        Assert.Equal("model", summary.StateDictEntry);
        Assert.Equal(22, summary.Tensors.Count);
        Assert.Equal([3L, 3L], summary.Tensors.Single(t => t.Name == "big_slice").Shape);
        Assert.Contains("epoch: 3", summary.OtherEntries);
        Assert.Contains("meta: dict (2 entries)", summary.OtherEntries);
    }

    [Theory]
    [InlineData("zip.pt")]
    [InlineData("legacy.pt")]
    public void StateDictReadInsideADisposeScopeOutlivesTheScope(string name)
    {
        StateDict stateDict;
        using (NewDisposeScope())
            stateDict = CheckpointReader.Read(files.Path(name));
        using (stateDict)
            AssertMatchesTorch(stateDict);
    }

    [Fact]
    public void TensorsThatShareAStorageInTheFileShareMemory()
    {
        using var stateDict = CheckpointReader.Read(files.Path("zip.pt"));
        stateDict["shared_a"][4] = tensor(42f);
        Assert.Equal(42f, stateDict["shared_b"][1, 1].item<float>());
    }

    [Fact]
    public void TorchToSafeTensorsToCxrVLToSafeTensorsKeepsEveryByte()
    {
        var first = files.Path("roundtrip-1.safetensors");
        var second = files.Path("roundtrip-2.safetensors");
        using (var fromTorch = CheckpointReader.Read(files.Path("zip.pt")))
            SafeTensors.Write(first, fromTorch);
        Assert.Equal("ok 22", files.CheckSafeTensors(first));

        using (var fromSafeTensors = CheckpointReader.Read(first))
        {
            AssertMatchesTorch(fromSafeTensors);
            SafeTensors.Write(second, fromSafeTensors);
        }
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void WrittenTorchFileLoadsInPyTorchWithWeightsOnlyAndReadsBack()
    {
        var path = files.Path("written.pt");
        using (var fromTorch = CheckpointReader.Read(files.Path("legacy.pt")))
            TorchCheckpointWriter.Write(path, fromTorch);
        Assert.Equal("ok 22", files.CheckTorchFile(path));
        using var readBack = CheckpointReader.Read(path);
        AssertMatchesTorch(readBack);
    }

    [Fact]
    public void WholePickledModelIsRefusedByDefaultAndReadAsItsStateDictWhenSkipping()
    {
        var path = files.Path("full_model.pt");
        var error = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("'torch.nn.modules.container.Sequential'", error.Message);
        Assert.Contains("whole pickled model", error.Message);

        using var fromModule = CheckpointReader.Read(path, new CheckpointReadOptions(SkipUnknownObjects: true));
        using var fromStateDict = CheckpointReader.Read(files.Path("full_model_state_dict.pt"));
        Assert.Equal(fromStateDict.Keys, fromModule.Keys);
        Assert.DoesNotContain("2.cache", fromModule.Keys);
        foreach (var (name, tensor) in fromStateDict)
            Assert.True(Bytes(tensor).SequenceEqual(Bytes(fromModule[name])), name);
    }

    [Fact]
    public void NestedDictsUnderStateDictFlattenToDottedNames()
    {
        using var stateDict = CheckpointReader.Read(files.Path("nested.pt"));
        Assert.Equal(["encoder.layer.weight", "head.bias"], stateDict.Keys);
        Assert.Equal(4f, stateDict["encoder.layer.weight"].sum().item<float>());
    }

    [Fact]
    public void LightningCheckpointLoadsStateDictAndReportsItsOtherEntries()
    {
        using var stateDict = CheckpointReader.Read(files.Path("lightning.ckpt"));
        Assert.Equal(["net.weight", "net.bias"], stateDict.Keys);
        var summary = CheckpointReader.Inspect(files.Path("lightning.ckpt"));
        Assert.Equal("state_dict", summary.StateDictEntry);
        Assert.Contains("global_step: 100", summary.OtherEntries);
        Assert.Contains("hyper_parameters: dict (2 entries)", summary.OtherEntries);
    }

    [Fact]
    public void UnknownClassInHyperParametersIsRefusedUnlessSkippedAndThenStaysInert()
    {
        var path = files.Path("lightning_custom.ckpt");
        var error = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("'__main__.HParams'", error.Message);
        Assert.Contains("--skip-unknown-objects", error.Message);

        var options = new CheckpointReadOptions(SkipUnknownObjects: true);
        using var stateDict = CheckpointReader.Read(path, options);
        Assert.Equal(["net.weight", "net.bias"], stateDict.Keys);
        Assert.Equal(["__main__.HParams"], CheckpointReader.Inspect(path, options).SkippedGlobals);
    }

    [Theory]
    [InlineData("evil_os.pt", "posix.system", "'payload' in the state dict is an object")]
    [InlineData("evil_eval.pt", "builtins.eval", "'payload' in the state dict is an object")]
    [InlineData("evil_popen.pt", "subprocess.Popen", "'payload' in the state dict is an object")]
    [InlineData("evil_raw.pkl", "posix.system", "is not a PyTorch checkpoint")]
    public void PickleCallingCodeIsRefusedAndNeverRuns(string name, string global, string skippedError)
    {
        foreach (var skip in new[] { false, true })
        {
            var error = Assert.Throws<CheckpointException>(
                () => CheckpointReader.Read(files.Path(name), new CheckpointReadOptions(SkipUnknownObjects: skip)));
            Assert.Contains(skip ? skippedError : $"references the Python global '{global}'", error.Message);
        }
        Assert.False(File.Exists(files.Path("pwned")), "the payload ran");
    }

    [Fact]
    public void TruncatedZipIsOneClearError()
    {
        var error = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(files.Path("truncated.pt")));
        Assert.Contains("damaged or truncated zip", error.Message);
    }

    [Theory]
    [InlineData("cyclic.pt", "nests deeper than 64 levels")]
    [InlineData("torchscript.pt", "is a TorchScript archive (torch.jit.save)")]
    public void CyclicPicklesAndTorchScriptArchivesAreClearErrors(string name, string message)
    {
        var error = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(files.Path(name)));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void TruncatedLegacyFileIsOneClearError()
    {
        var error = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(files.Path("truncated_legacy.pt")));
        Assert.Contains("the file is truncated", error.Message);
    }

    [Fact]
    public void StorageShorterThanDeclaredIsOneClearError()
    {
        var error = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(files.Path("short_storage.pt")));
        Assert.Matches(@"storage '.*data/\d+' holds \d+ bytes but the pickle declares \d+ \w+ values", error.Message);
    }

    /// <summary>
    /// Issue 18, item 12: a file whose pickle declares more bytes than its storages hold is refused by inspect (and
    /// --summary) with the message convert gives, instead of a summary of parameters the file does not have.
    /// </summary>
    [Fact]
    public void InspectRefusesStoragesShorterThanDeclaredAsConvertDoes()
    {
        var file = files.Path("short_storage.pt");
        var read = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(file));
        var inspect = Assert.Throws<CheckpointException>(() => CheckpointReader.Inspect(file));
        Assert.Equal(read.Message, inspect.Message);

        var (code, text, error) = Cli("weights", "inspect", "--summary", file);
        Assert.Equal(2, code);
        Assert.DoesNotContain("parameters", text);
        var convert = Cli("weights", "convert", file, files.Path("never.safetensors"));
        Assert.Equal(2, convert.Code);
        Assert.Equal(convert.Error, error);
        Assert.Equal($"error: {read.Message}", error.Trim());
    }

    [Fact]
    public void MissingFileAndUnknownEntryAreClearErrors()
    {
        Assert.Contains("does not exist", Assert.Throws<CxrVLException>(() => CheckpointReader.Read(files.Path("nope.pt"))).Message);
        var error = Assert.Throws<CxrVLException>(() => CheckpointReader.Read(files.Path("zip.pt"), new CheckpointReadOptions(Entry: "weights")));
        Assert.Contains("no entry 'weights' (top-level entries: model, epoch, meta)", error.Message);
    }

    [Fact]
    public void ConvertCommandWritesTheMappedStateDictWithMetadata()
    {
        var output = files.Path("converted.safetensors");
        var (code, text, error) = Cli("weights", "convert", files.Path("legacy.pt"), output, "--map", "drop:big;rename:shared_=shared.");
        Assert.True(code == 0, error);
        Assert.Contains("wrote ", text);
        Assert.Contains("19 tensors", text);
        Assert.Contains("3 dropped by the key map", text);

        using var original = CheckpointReader.Read(files.Path("zip.pt"));
        using var converted = SafeTensors.Read(output);
        Assert.Equal(original.Keys.Where(k => !k.StartsWith("big")).Select(k => k.Replace("shared_", "shared.")), converted.Keys);
        Assert.True(Bytes(original["shared_b"]).SequenceEqual(Bytes(converted["shared.b"])));
        Assert.Equal("legacy.pt", converted.Metadata["source"]);
        Assert.Equal("pt", converted.Metadata["format"]);
        Assert.Equal("drop:big;rename:shared_=shared.", converted.Metadata["key_map"]);
    }

    [Fact]
    public void CommandsPrintRefusalsAsOneErrorLineAndHonourSkipUnknownObjects()
    {
        var (code, _, error) = Cli("weights", "inspect", files.Path("lightning_custom.ckpt"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains("'__main__.HParams'", error);
        Assert.Single(error.Trim().Split('\n'));

        (code, var text, error) = Cli("weights", "inspect", "--skip-unknown-objects", files.Path("lightning_custom.ckpt"));
        Assert.True(code == 0, error);
        Assert.Contains("skipped        __main__.HParams (kept inert)", text);
        Assert.Contains("state dict     'state_dict'", text);
    }

    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
