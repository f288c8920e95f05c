using System.Globalization;

namespace CxrVL.Runs;

/// <summary>Formatting shared by the plain and live progress displays.</summary>
public static class ProgressText
{
    public static string Rate(double perSecond) =>
        perSecond.ToString(perSecond >= 100 ? "0" : perSecond >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    public static string Line(string description, long done, long total, double rate, string unit, TimeSpan elapsed)
    {
        var percent = total > 0 ? 100.0 * done / total : 100.0;
        var eta = rate > 0 && total > done ? Duration(TimeSpan.FromSeconds((total - done) / rate)) : "--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"{description}: {done}/{total} ({percent:0.0}%) {Rate(rate)} {unit}/s elapsed {Duration(elapsed)} ETA {eta}");
    }
}
