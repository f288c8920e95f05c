using System.Text;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;

namespace CxrVL.Tests.Data.Builders;

/// <summary>A temporary folder laid out like a publisher's release, and helpers to build a manifest from it.</summary>
internal sealed class SourceTree : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("cxrvl-source-").FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>A file with any content (a stand-in for an image whose pixels the builder never reads).</summary>
    public void Touch(string relative) => Write(relative, "x");

    public (List<ManifestRow> Rows, ManifestInfo Info) Build(string source, BuildOptions? options = null)
    {
        var output = Path.Combine(Root, "out", source + ".jsonl");
        var info = ManifestBuild.Run(DatasetBuilders.Get(source), (options ?? new BuildOptions { Root = Root }) with { Root = Root }, output, TextWriter.Null);
        return (ManifestReader.Read(output).ToList(), info);
    }
}
