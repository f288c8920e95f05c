namespace CxrVL.Bench;

/// <summary>Resident set size of this process, or of another by its id, from /proc (Linux).</summary>
internal static class ProcessMemory
{
    public static long ResidentBytes() => StatusBytes("self", "VmRSS:");

    public static long ResidentBytes(int pid) => StatusBytes(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "VmRSS:");

    /// <summary>The largest resident set size this process has had (VmHWM).</summary>
    public static long PeakResidentBytes() => StatusBytes("self", "VmHWM:");

    private static long StatusBytes(string process, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{process}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        return 0;
    }
}
