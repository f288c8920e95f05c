using CxrVL.Data.Manifest;
using CxrVL.Data.Splits;
using CxrVL.Runs;

namespace CxrVL.Data.Builders;

/// <summary>
/// Runs a builder into a manifest: streams its rows to a temporary file, draws a patient-disjoint split when the
/// source has none and the nested training fractions, then writes the final manifest and its info file. Memory
/// holds only the ids (never the rows), so 400k-study sources stream.
/// </summary>
public static class ManifestBuild
{
    /// <param name="progressOutput">Where progress goes (the console by default).</param>
    public static ManifestInfo Run(IDatasetBuilder builder, BuildOptions options, string outPath, TextWriter? progressOutput = null)
    {
        var root = Path.GetFullPath(options.Root);
        if (!Directory.Exists(root))
            throw new CxrVLException($"dataset root '{root}' does not exist; pass --root DIR, the folder the publisher's files unpack into.");
        options = options with { Root = root };
        outPath = Path.GetFullPath(outPath);
        var firstPass = Path.Combine(Path.GetDirectoryName(outPath)!, $".{Path.GetFileName(outPath)}.{Environment.ProcessId}.pass1.jsonl");
        var ids = new List<(string Study, string Subject, string? Split, bool HasFractions)>();
        BuildCounts counts;
        try
        {
            counts = ConsoleProgress.Run($"building {builder.Name}", Math.Max(1, builder.WorkUnits(options)), tracker =>
            {
                var context = new BuildContext(options, tracker);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                using var writer = new ManifestWriter(firstPass, durable: false);
                foreach (var row in builder.Build(context))
                {
                    if (!seen.Add(row.StudyId))
                        throw new CxrVLException($"{builder.Name}: study '{row.StudyId}' appears twice in the source; study ids must be unique.");
                    ids.Add((row.StudyId, row.SubjectId, row.Split, row.Fractions is not null));
                    writer.Write(row);
                }
                writer.Commit();
                return context.Counts;
            }, unit: builder.WorkUnitName, output: progressOutput);

            var drawSplit = !builder.HasSplit(options);
            var splits = drawSplit ? PatientSplitter.Assign(ids.Select(i => i.Subject), options.SplitProportions, options.Seed) : null;
            string? SplitOf((string Study, string Subject, string? Split, bool HasFractions) id) => splits?[id.Subject] ?? id.Split;
            var sourceFractions = ids.Any(i => i.HasFractions);
            var fractions = sourceFractions
                ? null
                : FractionSampler.Assign(ids.Where(i => SplitOf(i) == ManifestSplits.Train).Select(i => i.Study), options.Fractions, options.Seed);

            using (var writer = new ManifestWriter(outPath))
            {
                var index = 0;
                foreach (var row in ManifestReader.Read(firstPass))
                {
                    var split = SplitOf(ids[index++]);
                    var rowFractions = fractions is null ? row.Fractions : fractions.GetValueOrDefault(row.StudyId);
                    writer.Write(row with { Split = split, Fractions = rowFractions });
                    counts.Add($"split_{split ?? "none"}");
                }
                writer.Commit();
            }
            counts.Add("rows", ids.Count);
        }
        finally
        {
            File.Delete(firstPass);
        }

        var info = new ManifestInfo
        {
            Dataset = builder.Name,
            Root = root,
            Seed = options.Seed,
            CreatedUtc = DateTime.UtcNow,
            Options = DescribeOptions(builder, options),
            Counts = counts.Snapshot(),
        };
        info.WriteFor(outPath);
        return info;
    }

    private static IReadOnlyDictionary<string, string> DescribeOptions(IDatasetBuilder builder, BuildOptions options)
    {
        var described = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["split"] = builder.HasSplit(options) ? "source" : $"drawn by patient {string.Join(',', options.SplitProportions)}",
            ["fractions"] = string.Join(',', options.Fractions),
            ["uncertain"] = options.Uncertain.ToString().ToLowerInvariant(),
        };
        if (options.Reports is not null)
            described["reports"] = Path.GetFullPath(options.Reports);
        if (options.SplitLists is not null)
            described["split_lists"] = Path.GetFullPath(options.SplitLists);
        if (builder.Name == "mimic-cxr")
            described["labeler"] = options.Labeler;
        if (options.FiveBy200)
            described["sample"] = "5x200";
        if (options.SkipBad)
            described["skip_bad"] = "true";
        return described;
    }
}
