using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using CxrVL.Data.Download;
using CxrVL.Files;

namespace CxrVL.Tests.Data.Download;

public sealed class DatasetDownloaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-get-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class OfflineHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Name or service not known (openi.nlm.nih.gov:443)", null, HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public void OfflineDownloadFailsWithWhatToDoAndLeavesNothing()
    {
        using var http = new HttpClient(new OfflineHandler());
        var outDir = Path.Combine(_root, "iu");
        var error = Assert.Throws<CxrVLException>(() => new DatasetDownloader(http, TextWriter.Null).Get(DatasetDownload.Get("iu-xray"), outDir));
        Assert.Contains("https://openi.nlm.nih.gov/imgs/collections/NLMCXR_reports.tgz", error.Message);
        Assert.Contains("--from NLMCXR_reports.tgz --from NLMCXR_png.tgz", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));
    }

    [Fact]
    public void UnknownDatasetNamesThePublicOnes() =>
        Assert.Contains("covid-chestxray, iu-xray", Assert.Throws<CxrVLException>(() => DatasetDownload.Get("mimic-cxr")).Message);

    [Fact]
    public void IuArchivesDownloadedByHandAreArrangedForTheBuilder()
    {
        var reports = Path.Combine(_root, "NLMCXR_reports.tgz");
        using (var tar = new TarWriter(new GZipStream(File.Create(reports), CompressionLevel.Fastest)))
        {
            tar.WriteEntry(Path.Combine(DataRoots.Dataset("iu-xray"), "ecgen-radiology", "1.xml"), "ecgen-radiology/1.xml");
            tar.WriteEntry(Path.Combine(DataRoots.Dataset("iu-xray"), "ecgen-radiology", "2.xml"), "./ecgen-radiology/2.xml");
        }
        var images = Path.Combine(_root, "NLMCXR_png.tgz");
        using (var tar = new TarWriter(new GZipStream(File.Create(images), CompressionLevel.Fastest)))
            tar.WriteEntry(Path.Combine(DataRoots.Dataset("nih"), "00000001_000.png"), "CXR1_1_IM-0001-3001.png");

        var outDir = Path.Combine(_root, "iu");
        Assert.Equal(3, DatasetDownloader.Install(DatasetDownload.Get("iu-xray"), [reports, images], outDir));
        Assert.True(File.Exists(Path.Combine(outDir, "ecgen-radiology", "2.xml")));
        Assert.True(File.Exists(Path.Combine(outDir, "images", "CXR1_1_IM-0001-3001.png")));
    }

    [Fact]
    public void CovidZipLosesItsTopFolderAndEscapingEntriesAreRefused()
    {
        var zip = Path.Combine(_root, "master.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(Path.Combine(DataRoots.Dataset("covid-chestxray"), "metadata.csv"), "covid-chestxray-dataset-master/metadata.csv");
            archive.CreateEntry("covid-chestxray-dataset-master/images/");
        }
        var outDir = Path.Combine(_root, "covid");
        Assert.Equal(1, DatasetDownloader.Install(DatasetDownload.Get("covid-chestxray"), [zip], outDir));
        Assert.True(File.Exists(Path.Combine(outDir, "metadata.csv")));

        var evil = Path.Combine(_root, "evil.zip");
        using (var archive = ZipFile.Open(evil, ZipArchiveMode.Create))
            archive.CreateEntry("top/../../escaped.txt");
        Assert.Contains("outside", Assert.Throws<CxrVLException>(() => DatasetDownloader.Install(DatasetDownload.Get("covid-chestxray"), [evil], outDir)).Message);
        Assert.False(File.Exists(Path.Combine(_root, "escaped.txt")));
    }
}
