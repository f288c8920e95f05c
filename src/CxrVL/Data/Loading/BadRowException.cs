namespace CxrVL.Data.Loading;

/// <summary>
/// A row that cannot become a sample: its image is missing or corrupt, its report is empty. The loader stops with
/// this error, or skips and counts the row under <see cref="Kind"/> when <see cref="LoaderOptions.SkipBad"/> is set;
/// the loader's error names the switch that turns skipping on for the command at hand.
/// </summary>
public sealed class BadRowException : CxrVLException
{
    public const string MissingImage = "missing image";
    public const string CorruptImage = "corrupt image";
    public const string EmptyReport = "empty report";

    /// <param name="skipSwitch">How the user skips such rows (<c>--skip-bad</c>, <c>--set data.skip_bad=true</c>); null: not said.</param>
    public BadRowException(string row, string kind, string detail, string? file = null, Exception? inner = null, string? skipSwitch = null)
        : base($"row {row}{(file is null ? "" : $", file '{file}'")}: {kind}: {detail}. Fix or remove the row" +
               (skipSwitch is null ? "." : $", or pass {skipSwitch} to skip and count such rows."),
            inner ?? new InvalidOperationException(detail))
    {
        Row = row;
        Kind = kind;
        Detail = detail;
        File = file;
    }

    public string Row { get; }

    public string Kind { get; }

    public string Detail { get; }

    public string? File { get; }

    /// <summary>The same error, naming the switch that skips such rows.</summary>
    internal BadRowException WithSkipSwitch(string skipSwitch) => new(Row, Kind, Detail, File, InnerException, skipSwitch);
}
