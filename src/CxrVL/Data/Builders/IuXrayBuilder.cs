using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;
using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// Indiana University chest X-ray collection (Open-i). Reads, in this order of preference: R2Gen's
/// <c>annotation.json</c> (findings-only reports with R2Gen's split, images under <c>images/</c>); the report XMLs
/// <c>ecgen-radiology/*.xml</c>; or the archive <c>NLMCXR_reports.tgz</c> itself. Each report is one row with its
/// sections, MeSH terms and the images it names (<c>&lt;id&gt;.png</c> in the image folder, recorded as missing
/// when absent); view position and study date come from <c>nlmcxr_dicom_metadata.csv(.gz)</c> when present.
/// </summary>
public sealed class IuXrayBuilder : IDatasetBuilder
{
    public string Name => "iu-xray";

    public string Description => "IU X-ray / Open-i reports (ecgen-radiology XML or NLMCXR_reports.tgz) plus PNG images, or R2Gen's annotation.json";

    public string WorkUnitName => "reports";

    public bool HasSplit(BuildOptions options) => AnnotationPath(options.Root) is not null;

    public long WorkUnits(BuildOptions options)
    {
        if (AnnotationPath(options.Root) is not null)
            return 1;
        var folder = Path.Combine(options.Root, "ecgen-radiology");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.xml").LongCount() : 3955;
    }

    private static string? AnnotationPath(string root) => SourceFiles.Find(root, R2GenAnnotation.FileName);

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        if (AnnotationPath(context.Root) is { } annotation)
            return R2GenAnnotation.Read(annotation, Name, context);
        var images = ImageFolder(context);
        var metadata = ReadDicomMetadata(context);
        return ReportXmls(context).Select(x => FromXml(x.Name, x.Xml, images, metadata, context)).OfType<ManifestRow>();
    }

    private string ImageFolder(BuildContext context)
    {
        if (context.Options.Images is { } images)
            return Path.GetFullPath(images);
        foreach (var name in new[] { "images", "NLMCXR_png" })
            if (Directory.Exists(Path.Combine(context.Root, name)))
                return Path.Combine(context.Root, name);
        return Path.Combine(context.Root, "images");
    }

    /// <summary>The report XMLs, from the unpacked folder or streamed out of the publisher's archive.</summary>
    private static IEnumerable<(string Name, string Xml)> ReportXmls(BuildContext context)
    {
        var folder = Path.Combine(context.Root, "ecgen-radiology");
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.xml").Order(NaturalOrder.Instance))
            {
                yield return (file, File.ReadAllText(file));
                context.Advance();
            }
            yield break;
        }
        var archive = SourceFiles.Find(context.Root, "NLMCXR_reports.tgz", "NLMCXR_reports.tar.gz")
            ?? throw new CxrVLException($"no IU X-ray reports under '{context.Root}': expected ecgen-radiology/*.xml, NLMCXR_reports.tgz or R2Gen's annotation.json. 'cxrvl data get iu-xray --out DIR' downloads them.");
        using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var entries = new List<(string, string)>();
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null ||
                !entry.Name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
                continue;
            using var reader = new StreamReader(entry.DataStream);
            entries.Add(($"{archive}:{entry.Name}", reader.ReadToEnd()));
        }
        foreach (var entry in entries.OrderBy(e => e.Item1, NaturalOrder.Instance))
        {
            yield return entry;
            context.Advance();
        }
    }

    private sealed record DicomInfo(string? View, string? StudyDate);

    private static Dictionary<string, DicomInfo> ReadDicomMetadata(BuildContext context)
    {
        var result = new Dictionary<string, DicomInfo>(StringComparer.Ordinal);
        if (SourceFiles.Find(context.Root, "nlmcxr_dicom_metadata.csv") is not { } path)
            return result;
        using var csv = SourceCsv.Open(path, context);
        int id = csv.Column("imageid"), view = csv.Column("View Position"), date = csv.Column("Study Date");
        foreach (var row in csv.Rows(minFields: Math.Max(id, Math.Max(view, date)) + 1))
            result[row[id]] = new DicomInfo(row.Optional(view), row.Optional(date));
        return result;
    }

    private ManifestRow? FromXml(string file, string xml, string imageFolder, Dictionary<string, DicomInfo> metadata, BuildContext context)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException e)
        {
            context.BadRow(file, e.LineNumber, $"not well-formed XML ({e.Message})");
            return null;
        }
        var root = document.Root!;
        var id = root.Element("uId")?.Attribute("id")?.Value;
        if (string.IsNullOrEmpty(id))
        {
            context.BadRow(file, 1, "no <uId id=...> element");
            return null;
        }
        var sections = root.Descendants("AbstractText")
            .Select(a => (Label: (a.Attribute("Label")?.Value ?? "").ToUpperInvariant(), Text: a.Value.Trim()))
            .Where(s => s.Text.Length > 0)
            .ToList();
        string? Section(string label) => sections.Where(s => s.Label == label).Select(s => s.Text).FirstOrDefault();
        var fullText = sections.Count == 0 ? null : string.Join("\n", sections.Select(s => $"{s.Label}: {s.Text}"));
        if (Section("FINDINGS") is null)
            context.Counts.Add("reports_without_findings");
        if (Section("IMPRESSION") is null)
            context.Counts.Add("reports_without_impression");

        string? studyDate = null;
        var images = new List<ManifestImage>();
        foreach (var imageId in root.Elements("parentImage").Select(p => p.Attribute("id")?.Value).OfType<string>())
        {
            var info = metadata.GetValueOrDefault(imageId);
            studyDate ??= info?.StudyDate;
            images.Add(context.Image(SourceFiles.Relative(context.Root, Path.Combine(imageFolder, imageId + ".png")), imageId, info?.View));
        }
        if (images.Count == 0)
            context.Counts.Add("reports_without_images");

        var mesh = root.Element("MeSH");
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (mesh?.Elements("major").Select(e => e.Value.Trim()).ToList() is { Count: > 0 } major)
            meta["mesh_major"] = string.Join("; ", major);
        if (mesh?.Elements("automatic").Select(e => e.Value.Trim()).ToList() is { Count: > 0 } automatic)
            meta["mesh_automatic"] = string.Join("; ", automatic);

        return new ManifestRow
        {
            Dataset = Name,
            SubjectId = id,
            StudyId = id,
            StudyTime = studyDate is { Length: 8 } && DateTime.TryParseExact(studyDate, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : null,
            Order = 0,
            Images = images,
            Report = fullText is null ? null : new ManifestReport(Section("FINDINGS"), Section("IMPRESSION"), Section("INDICATION"), Section("COMPARISON"), fullText),
            Provenance = root.Element("licenseURL")?.Value is { Length: > 0 } license ? new ManifestProvenance(license, "https://openi.nlm.nih.gov/") : null,
            Meta = meta.Count > 0 ? meta : null,
        };
    }
}
