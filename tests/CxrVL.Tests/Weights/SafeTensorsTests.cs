using System.Text;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Weights;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A file laid out by the format's specification, byte by byte: u64 header length, JSON, data.</summary>
    private string WriteBySpec(string header, byte[] data, string name = "spec.safetensors")
    {
        var path = Path.Combine(_directory, name);
        using var writer = new BinaryWriter(File.Create(path));
        var json = Encoding.UTF8.GetBytes(header);
        writer.Write((ulong)json.Length);
        writer.Write(json);
        writer.Write(data);
        return path;
    }

    [Fact]
    public void FileWrittenToTheSpecificationReadsWithItsValuesAndMetadata()
    {
        var data = new List<byte>();
        data.AddRange(BitConverter.GetBytes((Half)1.5).Concat(BitConverter.GetBytes((Half)(-2.0))));     // b: F16 [2], bytes 0..4
        foreach (var value in new[] { 1f, 2f, 3f, 4f, 5f, 6f })
            data.AddRange(BitConverter.GetBytes(value));                                             // a: F32 [2,3], bytes 4..28
        data.AddRange(BitConverter.GetBytes(-7L));                                                   // c: I64 [], bytes 28..36
        data.AddRange([1, 0, 1]);                                                                    // d: BOOL [3], bytes 36..39
        data.AddRange([0x80, 0x3f]);                                                                 // e: BF16 [1] = 1.0, bytes 39..41
        // Header keys in a different order than the data, metadata first, padded with spaces like the reference writer.
        var header = """{"__metadata__":{"format":"pt","source":"hand"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[4,28]}""" +
                     ""","b":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"c":{"dtype":"I64","shape":[],"data_offsets":[28,36]}""" +
                     ""","d":{"dtype":"BOOL","shape":[3],"data_offsets":[36,39]},"e":{"dtype":"BF16","shape":[1],"data_offsets":[39,41]}}   """;
        var path = WriteBySpec(header, data.ToArray());

        using var stateDict = CheckpointReader.Read(path);
        Assert.Equal(["a", "b", "c", "d", "e"], stateDict.Keys);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], stateDict["a"].data<float>().ToArray());
        Assert.Equal([2L, 3L], stateDict["a"].shape);
        Assert.Equal([(Half)1.5, (Half)(-2.0)], stateDict["b"].data<Half>().ToArray());
        Assert.Empty(stateDict["c"].shape);
        Assert.Equal(-7L, stateDict["c"].item<long>());
        Assert.Equal([true, false, true], stateDict["d"].data<bool>().ToArray());
        Assert.Equal(1f, stateDict["e"].to_type(ScalarType.Float32).item<float>());
        Assert.Equal("pt", stateDict.Metadata["format"]);
        Assert.Equal("hand", stateDict.Metadata["source"]);
    }

    [Fact]
    public void WrittenFileFollowsTheSpecificationByteForByte()
    {
        var path = Path.Combine(_directory, "ours.safetensors");
        using (var stateDict = new StateDict())
        {
            stateDict.Add("w", tensor(new[] { 1f, -1f }));
            stateDict.Add("n", tensor(new[] { 3L }));
            stateDict.Metadata["format"] = "pt";
            SafeTensors.Write(path, stateDict);
        }
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.Equal(0, (8 + headerLength) % 8);
        Assert.Equal("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"n":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}""",
                     header.TrimEnd(' '));
        Assert.Equal(BitConverter.GetBytes(1f).Concat(BitConverter.GetBytes(-1f)).Concat(BitConverter.GetBytes(3L)),
                     bytes[(8 + headerLength)..]);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, "truncated")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "spans 8 bytes but [3] F32 needs 12")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", 8, "overlapping or holed")]
    [InlineData("""{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""", 1, "dtype 'F8_E4M3'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]""", 4, "not valid JSON")]
    public void BrokenFilesAreOneClearError(string header, int dataBytes, string message)
    {
        var path = WriteBySpec(header, new byte[dataBytes]);
        var error = Assert.Throws<CheckpointException>(() => SafeTensors.Read(path));
        Assert.Contains(message, error.Message);
    }
}
