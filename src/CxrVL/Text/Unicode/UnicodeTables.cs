using System.Collections.Frozen;
using System.Globalization;

namespace CxrVL.Text.Unicode;

/// <summary>
/// Canonical combining classes, NFD/NFKD decompositions and full lower-case mappings per code point (Unicode 14,
/// generated from Python's database by build/unicode/generate_tables.py). The tool runs with invariant
/// globalization, where .NET does not normalise or lower-case beyond ASCII, so tokenizer normalisers use these.
/// </summary>
internal static class UnicodeTables
{
    private const int HangulBase = 0xAC00, HangulCount = 11172, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int VowelCount = 21, TrailCount = 28;

    private static readonly Lazy<Tables> Data = new(Load);
    private static readonly Lazy<(int First, int Last)[]> StrippedMarks = new(LoadStrippedMarks);

    /// <summary>
    /// Whether Hugging Face's StripAccents normaliser removes this code point. Its mark table is an older Unicode's and
    /// includes Mc/Me marks, so the set is probed from the library (build/unicode/probe_stripped_marks.js).
    /// </summary>
    public static bool IsStrippedMark(int codePoint)
    {
        if (codePoint < 0x300)
            return false;
        var ranges = StrippedMarks.Value;
        int lo = 0, hi = ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (codePoint < ranges[mid].First)
                hi = mid - 1;
            else if (codePoint > ranges[mid].Last)
                lo = mid + 1;
            else
                return true;
        }
        return false;
    }

    public static int CombiningClass(int codePoint) =>
        codePoint < 0x300 ? 0 : Data.Value.Ccc.GetValueOrDefault(codePoint);

    /// <summary>Appends the full canonical (or compatibility) decomposition of one code point.</summary>
    public static void Decompose(int codePoint, bool compatibility, List<int> output)
    {
        if (codePoint < 0xA0)
        {
            output.Add(codePoint);
            return;
        }
        var s = codePoint - HangulBase;
        if (s is >= 0 and < HangulCount)
        {
            output.Add(LeadBase + s / (VowelCount * TrailCount));
            output.Add(VowelBase + s % (VowelCount * TrailCount) / TrailCount);
            if (s % TrailCount != 0)
                output.Add(TrailBase + s % TrailCount);
            return;
        }
        var table = compatibility ? Data.Value.Nfkd : Data.Value.Nfd;
        if (table.TryGetValue(codePoint, out var decomposition))
            output.AddRange(decomposition);
        else
            output.Add(codePoint);
    }

    /// <summary>Appends the full lower-case mapping of one code point (U+0130 becomes two code points).</summary>
    public static void Lower(int codePoint, List<int> output)
    {
        if (codePoint < 0x80)
            output.Add(codePoint is >= 'A' and <= 'Z' ? codePoint + 32 : codePoint);
        else if (Data.Value.Lower.TryGetValue(codePoint, out var lower))
            output.AddRange(lower);
        else
            output.Add(codePoint);
    }

    private sealed record Tables(
        FrozenDictionary<int, int> Ccc,
        FrozenDictionary<int, int[]> Nfd,
        FrozenDictionary<int, int[]> Nfkd,
        FrozenDictionary<int, int[]> Lower);

    private static StreamReader Resource(string name) =>
        new(typeof(UnicodeTables).Assembly.GetManifestResourceStream($"CxrVL.Text.Unicode.{name}")
            ?? throw new InvalidOperationException($"the embedded Unicode table {name} is missing from the CxrVL assembly."));

    private static (int First, int Last)[] LoadStrippedMarks()
    {
        using var reader = Resource("stripped-marks.txt");
        var ranges = new List<(int, int)>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var bounds = line.Split('-');
            ranges.Add((int.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                int.Parse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }
        return ranges.ToArray();
    }

    private static Tables Load()
    {
        using var reader = Resource("unicode-tables.txt");
        var ccc = new Dictionary<int, int>();
        var nfd = new Dictionary<int, int[]>();
        var nfkd = new Dictionary<int, int[]>();
        var lower = new Dictionary<int, int[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var fields = line.Split(';');
            var cp = int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (fields[1].Length > 0)
                ccc[cp] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (fields[2].Length > 0)
                nfd[cp] = CodePoints(fields[2]);
            if (fields[3].Length > 0)
                nfkd[cp] = CodePoints(fields[3]);
            if (fields[4].Length > 0)
                lower[cp] = CodePoints(fields[4]);
        }
        return new Tables(ccc.ToFrozenDictionary(), nfd.ToFrozenDictionary(), nfkd.ToFrozenDictionary(), lower.ToFrozenDictionary());
    }

    private static int[] CodePoints(string field) =>
        field.Split('.').Select(h => int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
}
