using System.IO.Compression;
using System.Text.Json;

namespace CxrVL.Data.Manifest;

/// <summary>
/// Writes a manifest one row at a time (gzip when the name ends in <c>.gz</c>) into a temporary sibling that
/// <see cref="Commit"/> renames into place, so a failed build never leaves a half-written manifest.
/// </summary>
public sealed class ManifestWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporary;
    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly bool _durable;
    private bool _committed;

    /// <param name="durable">Whether <see cref="Commit"/> waits for the bytes to reach the disk (not for a scratch file that is read back at once and deleted).</param>
    public ManifestWriter(string path, bool durable = true)
    {
        _durable = durable;
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _temporary = Path.Combine(Path.GetDirectoryName(_path)!, $".{Path.GetFileName(_path)}.{Environment.ProcessId}.tmp");
        _file = new FileStream(_temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        _stream = _path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(_file, CompressionLevel.Fastest, leaveOpen: true)
            : _file;
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = ManifestJson.Row.Options.Encoder, SkipValidation = true });
    }

    public long RowsWritten { get; private set; }

    public void Write(ManifestRow row)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        JsonSerializer.Serialize(_json, row, ManifestJson.Row);
        _json.Flush();
        _json.Reset();
        _stream.WriteByte((byte)'\n');
        RowsWritten++;
    }

    /// <summary>Flushes and moves the finished manifest to its path.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _json.Dispose();
        if (!ReferenceEquals(_stream, _file))
            _stream.Dispose();
        _file.Flush(flushToDisk: _durable);
        _file.Dispose();
        File.Move(_temporary, _path, overwrite: true);
        _committed = true;
    }

    /// <summary>Writes all rows and commits; returns how many were written.</summary>
    public static long WriteAll(string path, IEnumerable<ManifestRow> rows)
    {
        using var writer = new ManifestWriter(path);
        foreach (var row in rows)
            writer.Write(row);
        writer.Commit();
        return writer.RowsWritten;
    }

    public void Dispose()
    {
        if (_committed)
            return;
        _json.Dispose();
        _stream.Dispose();
        _file.Dispose();
        if (File.Exists(_temporary))
            File.Delete(_temporary);
    }
}
