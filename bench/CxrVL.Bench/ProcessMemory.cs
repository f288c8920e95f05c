namespace CxrVL.Bench;

/// <summary>Resident set size of this process, or of another by its id, from /proc (Linux).</summary>
internal static class ProcessMemory
{
    public static long ResidentBytes() => ResidentBytes("self");

    public static long ResidentBytes(int pid) => ResidentBytes(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static long ResidentBytes(string process)
    {
        foreach (var line in File.ReadLines($"/proc/{process}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        return 0;
    }
}
