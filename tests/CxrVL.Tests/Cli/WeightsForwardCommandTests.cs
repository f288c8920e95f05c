using CxrVL.Cli.Infrastructure;
using CxrVL.Tests.Models;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Cli;

/// <summary><c>cxrvl weights forward</c> on the small Hugging Face-named BERT the reference script saves.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class WeightsForwardCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-forward-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void BertWritesLastHiddenStateOfTheReference()
    {
        PythonReference.Run(ModelReference.Script, "bert", _directory);
        using var io = CheckpointReader.Read(Path.Combine(_directory, "io.pt"));
        var input = Path.Combine(_directory, "tokens.safetensors");
        using (var tokens = StateDict.Borrow([KeyValuePair.Create("input", io["input_ids"]), KeyValuePair.Create("attention_mask", io["attention_mask"])]))
            SafeTensors.Write(input, tokens);
        var output = Path.Combine(_directory, "out.safetensors");

        var (code, text, error) = Run("weights", "forward", "--arch", "bert", "--weights", Path.Combine(_directory, "mlm_weights.pt"),
            "--config", Path.Combine(_directory, "config.json"), "--input", input, "--output", output);

        Assert.True(code == 0, error + text);
        Assert.Contains("-> output [2, 12, 32]", text);
        Assert.Contains("(6 dropped by the key map)", text);
        using var stored = SafeTensors.Read(output);
        // The masked-LM checkpoint's bert.* encoder (cls.* dropped, prefix stripped) gives the reference's states.
        var difference = (stored["output"] - io["mlm_hidden_state"]).abs().max().item<float>();
        Assert.True(difference < 1e-4, $"max difference {difference}");
    }

    [Fact]
    public void MissingInputKeyIsAClearError()
    {
        var input = Path.Combine(_directory, "bad.safetensors");
        using (var tensors = StateDict.Borrow([KeyValuePair.Create("images", zeros(1, 3, 8, 8))]))
            SafeTensors.Write(input, tensors);
        var weights = Path.Combine(_directory, "w.safetensors");
        using (var empty = StateDict.Borrow([KeyValuePair.Create("conv1.weight", zeros(64, 3, 7, 7))]))
            SafeTensors.Write(weights, empty);

        var (code, _, error) = Run("weights", "forward", "--arch", "resnet18", "--weights", weights, "--input", input,
            "--output", Path.Combine(_directory, "out.safetensors"));

        Assert.Equal(2, code);
        Assert.Contains("has no tensor named 'input' (it has: images)", error);
    }
}
