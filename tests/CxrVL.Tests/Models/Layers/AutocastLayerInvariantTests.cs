using System.Text.RegularExpressions;
using CxrVL.Tests.Text;

namespace CxrVL.Tests.Models.Layers;

/// <summary>
/// Every product and normalisation layer CxrVL builds consults the autocast scope (issue 23): a torch.nn Linear, Conv or
/// Layer/GroupNorm constructed in src/CxrVL would silently train in float32 under <c>train.precision: bf16-mixed</c>.
/// </summary>
public sealed partial class AutocastLayerInvariantTests
{
    // The runtime's libtorch self-check exercises torch.nn itself, below the model layer.
    private static readonly string[] Exempt = [Path.Combine("Runtime", "TorchSelfCheck.cs")];

    [GeneratedRegex(@"nn\.(Linear|Conv1d|Conv2d|Conv3d|ConvTranspose1d|ConvTranspose2d|LayerNorm|GroupNorm|MultiheadAttention|Bilinear)\s*\(")]
    private static partial Regex TorchLayerFactory();

    [Fact]
    public void SourceBuildsNoTorchNnProductOrNormLayer()
    {
        var source = Path.Combine(TokenizerReference.RepositoryRoot(), "src", "CxrVL");
        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                           !Exempt.Any(e => path.EndsWith(e, StringComparison.Ordinal)))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, index)))
            .Where(l => !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && TorchLayerFactory().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(source, l.path)}:{l.index + 1}: {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "use CxrVL.Models.Layers' Autocast* layers instead:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void TheScanFindsAFactoryCall()
    {
        Assert.Matches(TorchLayerFactory(), "        dense = nn.Linear(config.HiddenSize, 4);");
        Assert.Matches(TorchLayerFactory(), "(\"0\", nn.Conv2d(input, output, 3, padding: 1))");
        Assert.DoesNotMatch(TorchLayerFactory(), "dense = new AutocastLinear(config.HiddenSize, 4);");
    }
}
