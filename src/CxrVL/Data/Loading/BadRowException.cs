namespace CxrVL.Data.Loading;

/// <summary>
/// A row that cannot become a sample: its image is missing or corrupt, its report is empty. The loader stops with
/// this error, or skips and counts the row under <see cref="Kind"/> when <see cref="LoaderOptions.SkipBad"/> is set.
/// </summary>
public sealed class BadRowException : CxrVLException
{
    public const string MissingImage = "missing image";
    public const string CorruptImage = "corrupt image";
    public const string EmptyReport = "empty report";

    public BadRowException(string row, string kind, string detail, string? file = null, Exception? inner = null)
        : base($"row {row}{(file is null ? "" : $", file '{file}'")}: {kind}: {detail}. Fix or remove the row, or pass --skip-bad to skip and count such rows.",
            inner ?? new InvalidOperationException(detail))
    {
        Row = row;
        Kind = kind;
        File = file;
    }

    public string Row { get; }

    public string Kind { get; }

    public string? File { get; }
}
