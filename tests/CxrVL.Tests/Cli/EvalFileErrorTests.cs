namespace CxrVL.Tests.Cli;

/// <summary>
/// Issue 18, items 2 and 17: the files given to the eval commands are read through one place that names the file, line
/// and column of a decoding error, and a folder where a file was expected is called a folder.
/// </summary>
public sealed class EvalFileErrorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-eval-files-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>{"1": "the heart is normal", "2": "small effusion&lt;0xC3 0x28&gt;"}: 0xC3 opens a two-byte sequence that 0x28 cannot continue.</summary>
    private string InvalidUtf8Json() =>
        Write("bad.json", [.. "{\"1\": \"the heart is normal\",\n \"2\": \"small effusion"u8, 0xC3, 0x28, .. "\"}\n"u8]);

    private string Valid(string name) => Write(name, "{\"1\": \"the heart is normal\", \"2\": \"small left effusion\"}"u8.ToArray());

    [Theory]
    [InlineData("nlg", "--refs")]
    [InlineData("nlg", "--preds")]
    [InlineData("ce", "--refs")]
    [InlineData("ce", "--preds")]
    public void InvalidUtf8JsonNamesTheFileLineAndColumn(string command, string side)
    {
        var bad = InvalidUtf8Json();
        var good = Valid("good.json");
        var (code, _, error) = side == "--refs"
            ? CliRunner.Run("eval", command, "--refs", bad, "--preds", good)
            : CliRunner.Run("eval", command, "--refs", good, "--preds", bad);

        Assert.Equal(2, code);
        // Line 2 is ` "2": "small effusion` followed by the bad byte: 21 characters, so the byte is column 22.
        Assert.Equal($"error: {bad}:2:22: not valid UTF-8 (byte 0xC3); save the file as UTF-8.", error.Trim());
    }

    [Fact]
    public void InvalidJsonNamesTheFileLineAndColumn()
    {
        var bad = Write("broken.json", "{\"1\": \"a\",\n \"2\" \"b\"}"u8.ToArray());
        var (code, _, error) = CliRunner.Run("eval", "nlg", "--refs", bad, "--preds", Valid("good.json"));
        Assert.Equal(2, code);
        // The parser stops at the second string of line 2, where a ':' belongs: column 6.
        Assert.StartsWith($"error: {bad}:2:6: not valid JSON", error.Trim());
    }

    [Fact]
    public void AFolderGivenAsPredictionsIsCalledAFolder()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "preds")).FullName;
        var (code, _, error) = CliRunner.Run("eval", "nlg", "--refs", Valid("good.json"), "--preds", folder);
        Assert.Equal(2, code);
        Assert.Equal($"error: file '{folder}' is a folder; pass the file itself.", error.Trim());
    }
}
