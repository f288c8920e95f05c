using System.Globalization;
using System.Text.Json;
using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class TruncatedNormalTests
{
    [Theory]
    [InlineData(0.0, 0.02, -2.0, 2.0)]
    [InlineData(0.5, 1.0, -0.5, 1.0)]
    public void MatchesPyTorchTruncNormalDrawForDraw(double mean, double std, double a, double b)
    {
        const int count = 4096;
        var script = PythonReference.Script(Path.Combine("Models", "reference", "trunc_normal.py"));
        string[] arguments = ["7", $"{count}", .. new[] { mean, std, a, b }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))];
        var expected = JsonSerializer.Deserialize<float[]>(PythonReference.Run(script, arguments))!;

        manual_seed(7);
        using var values = TruncatedNormal.Fill(empty(count), mean, std, a, b);

        using var reference = tensor(expected);
        Assert.True(values.allclose(reference, rtol: 1e-5, atol: 1e-7), $"largest difference {(values - reference).abs().max().item<float>()}");
    }

    [Fact]
    public void ValuesSpreadLikeTheTruncatedNormalAndStayInBounds()
    {
        manual_seed(3);
        using var values = TruncatedNormal.Fill(empty(200_000), mean: 0, std: 0.02, a: -0.02, b: 0.02);

        Assert.False(values.isnan().any().item<bool>());
        Assert.True(values.min().item<float>() >= -0.02f && values.max().item<float>() <= 0.02f);
        // A normal truncated at +-1 sigma has standard deviation sigma * sqrt(1 - 2 phi(1) / (Phi(1) - Phi(-1))) = 0.5396 sigma.
        Assert.InRange(values.std().item<float>(), 0.02f * 0.5396f * 0.99f, 0.02f * 0.5396f * 1.01f);
        Assert.InRange(values.mean().item<float>(), -2e-4f, 2e-4f);
    }
}
