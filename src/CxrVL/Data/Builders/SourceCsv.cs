using System.IO.Compression;
using CsvHelper;

namespace CxrVL.Data.Builders;

/// <summary>
/// Streams a source CSV (plain or <c>.gz</c>) row by row with CsvHelper, looks columns up by header name, and
/// turns malformed rows (bad quoting, too few fields) into one clear error naming file and line, or a skipped and
/// counted row with <c>--skip-bad</c>. Reports progress in bytes read.
/// </summary>
public sealed class SourceCsv : IDisposable
{
    private readonly FileStream _file;
    private readonly CsvReader _reader;
    private readonly BuildContext _context;
    private readonly bool _trackProgress;
    private long _reported;

    private SourceCsv(string path, BuildContext context, bool trackProgress, char delimiter, bool hasHeader)
    {
        Path = path;
        _context = context;
        _trackProgress = trackProgress;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(_file, CompressionMode.Decompress) : _file;
        var options = CsvReaderOptions.Default with
        {
            Separator = delimiter,
            HasHeader = hasHeader,
            TrackLineNumbers = true,
            MalformedData = context.Options.SkipBad ? CsvMalformedDataHandling.Skip : CsvMalformedDataHandling.Throw,
            OnMalformedRecord = record => context.BadRow(path, record.LineNumber, $"malformed quoting ({record.Reason})"),
        };
        _reader = CsvReader.Create(stream, options, leaveOpen: false);
        try
        {
            Header = hasHeader ? _reader.Headers.Select(h => h.Trim()).ToArray() : [];
        }
        catch (CsvFormatException e)
        {
            throw new CxrVLException($"{path}: line {e.LineNumber}: the header is not valid CSV ({e.Message}).", e);
        }
        if (hasHeader && Header.Count == 0)
            throw new CxrVLException($"{path}: the file is empty; expected a header row.");
    }
    public string Path { get; }

    public IReadOnlyList<string> Header { get; }

    /// <param name="trackProgress">Whether bytes read advance the build's progress (the file that dominates the build).</param>
    public static SourceCsv Open(string path, BuildContext context, bool trackProgress = false, char delimiter = ',', bool hasHeader = true)
    {
        if (!File.Exists(path))
            throw new CxrVLException($"source file '{path}' does not exist; check --root and that the dataset is laid out as its publisher distributes it.");
        return new SourceCsv(path, context, trackProgress, delimiter, hasHeader);
    }

    /// <summary>The index of the first of <paramref name="names"/> present in the header, or an error listing the header.</summary>
    public int Column(params string[] names) =>
        TryColumn(names) ?? throw new CxrVLException(
            $"{Path}: no column named {string.Join(" or ", names.Select(n => $"'{n}'"))}; the header has: {string.Join(", ", Header)}.");

    public int? TryColumn(params string[] names)
    {
        foreach (var name in names)
            for (var i = 0; i < Header.Count; i++)
                if (string.Equals(Header[i], name, StringComparison.OrdinalIgnoreCase))
                    return i;
        return null;
    }

    /// <summary>Data rows with at least <paramref name="minFields"/> fields (default: the header's width, ignoring trailing empty header cells).</summary>
    public IEnumerable<SourceCsvRow> Rows(int? minFields = null)
    {
        var required = minFields ?? Header.Count - Header.Reverse().TakeWhile(string.IsNullOrEmpty).Count();
        while (true)
        {
            bool read;
            try
            {
                read = _reader.Read();
            }
            catch (CsvFormatException e)
            {
                throw new CxrVLException($"{Path}: line {e.LineNumber}: malformed CSV ({e.Message}). Fix the row, or pass --skip-bad to skip and count malformed rows.", e);
            }
            if (!read)
                break;
            ReportProgress();
            var fields = new string[_reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
                fields[i] = _reader.GetString(i);
            if (fields.Length < required)
                _context.BadRow(Path, _reader.LineNumber, $"{fields.Length} fields where the header has {required}");
            else
                yield return new SourceCsvRow(Path, _reader.LineNumber, fields);
        }
        ReportProgress();
    }

    /// <summary>
    /// CheXpert-style label cells (1.0 / 0.0 / -1.0 / blank) of <paramref name="columns"/>, keyed by header name and
    /// blanks left out; null (after <see cref="BuildContext.BadRow"/>) when a cell is anything else.
    /// </summary>
    public Dictionary<string, int>? Labels(SourceCsvRow row, IEnumerable<int> columns)
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!row.TryLabel(column, out var value))
            {
                _context.BadRow(Path, row.Line, $"label '{Header[column]}' is '{row[column]}', expected 1.0, 0.0, -1.0 or blank");
                return null;
            }
            if (value is { } v)
                labels[Header[column]] = v;
        }
        return labels;
    }

    private void ReportProgress()
    {
        if (!_trackProgress)
            return;
        var position = _file.Position;
        _context.Advance(position - _reported);
        _reported = position;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
    }
}
