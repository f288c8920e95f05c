using CxrVL.Runs;

namespace CxrVL.Data.Download;

/// <summary>
/// Downloads a public dataset from its publisher and arranges it in the layout the builders read, or arranges
/// archives already downloaded by hand (<c>--from</c>). Offline, it fails with a message that says what to
/// download and how to install it.
/// </summary>
public sealed class DatasetDownloader(HttpClient http, TextWriter? progressOutput = null)
{
    /// <returns>The number of files written under <paramref name="outDir"/>.</returns>
    public int Get(DatasetDownload dataset, string outDir, CancellationToken cancellation = default)
    {
        var downloads = Path.Combine(outDir, ".download");
        Directory.CreateDirectory(downloads);
        var archives = new List<string>();
        try
        {
            foreach (var url in dataset.Archives)
            {
                var target = Path.Combine(downloads, Path.GetFileName(url.LocalPath));
                if (!File.Exists(target))
                    Download(url, target, dataset, cancellation);
                archives.Add(target);
            }
        }
        catch (CxrVLException)
        {
            // Keep finished archives for the next attempt; leave no empty folder behind.
            if (!Directory.EnumerateFileSystemEntries(downloads).Any())
                Directory.Delete(downloads);
            throw;
        }
        var written = Install(dataset, archives, outDir);
        Directory.Delete(downloads, recursive: true);
        return written;
    }

    /// <summary>Unpacks archives of <paramref name="dataset"/> (downloaded or copied by hand) into <paramref name="outDir"/>.</summary>
    public static int Install(DatasetDownload dataset, IEnumerable<string> archives, string outDir)
    {
        var written = 0;
        foreach (var archive in archives)
            written += ArchiveUnpacker.Unpack(archive, outDir, dataset.Place);
        if (written == 0)
            throw new CxrVLException($"the archives held no {dataset.Name} files; check that they are the publisher's ({string.Join(", ", dataset.Archives)}).");
        return written;
    }

    private void Download(Uri url, string target, DatasetDownload dataset, CancellationToken cancellation)
    {
        var partial = target + ".part";
        try
        {
            using var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            var length = response.Content.Headers.ContentLength ?? 0;
            using (var body = response.Content.ReadAsStream(cancellation))
            using (var file = File.Create(partial))
            {
                ConsoleProgress.Run($"downloading {Path.GetFileName(target)}", Math.Max(1, length), tracker =>
                {
                    var buffer = new byte[1 << 16];
                    int read;
                    while ((read = body.Read(buffer)) > 0)
                    {
                        file.Write(buffer, 0, read);
                        tracker.Advance(read);
                    }
                }, unit: "B", output: progressOutput);
            }
            File.Move(partial, target, overwrite: true);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            File.Delete(partial);
            throw new CxrVLException(
                $"could not download {url} ({e.Message}). This machine looks offline or the publisher is unreachable. " +
                $"Download {string.Join(" and ", dataset.Archives)} elsewhere, copy the file(s) here, and run " +
                $"'cxrvl data get {dataset.Name} --out DIR {string.Join(' ', dataset.Archives.Select(a => "--from " + Path.GetFileName(a.LocalPath)))}'.", e);
        }
    }
}
