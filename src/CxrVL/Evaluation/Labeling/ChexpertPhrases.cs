namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// The CheXpert labeler's mention and unmention phrases per observation (<c>phrases/mention/*.txt</c>,
/// <c>phrases/unmention/*.txt</c>), read as the labeler reads them: each line stripped, '_' standing for a space
/// (so <c>_mediastinum</c> needs a space before it), plus the positional unmentions the labeler generates for
/// Cardiomegaly and Enlarged Cardiomediastinum ("over the heart", "in the left cardiac silhouette", ...) so that an
/// anatomical location is not read as a finding.
/// </summary>
public sealed class ChexpertPhrases
{
    private ChexpertPhrases(IReadOnlyDictionary<string, IReadOnlyList<string>> mentions, IReadOnlyDictionary<string, IReadOnlyList<string>> unmentions)
    {
        Mentions = mentions;
        Unmentions = unmentions;
    }

    /// <summary>Observation name to the phrases that mention it (lower case, matched as substrings).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Mentions { get; }

    /// <summary>Observation name to phrases whose overlap cancels a mention.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Unmentions { get; }

    /// <summary>Reads <c>DIR/phrases/mention</c> and <c>DIR/phrases/unmention</c>.</summary>
    public static ChexpertPhrases Load(string labelerDirectory)
    {
        var mentionDirectory = Path.Combine(labelerDirectory, "phrases", "mention");
        if (!Directory.Exists(mentionDirectory))
            throw new CxrVLException($"'{mentionDirectory}' does not exist; point the labeler at a folder holding phrases/mention/*.txt (the CheXpert labeler's resources).");
        var mentions = ReadFolder(mentionDirectory);
        foreach (var name in ChexpertObservations.Names)
        {
            if (!mentions.ContainsKey(name))
                throw new CxrVLException($"'{mentionDirectory}' has no phrase file for '{name}' ({name.ToLowerInvariant().Replace(' ', '_')}.txt).");
        }
        var unmentions = ReadFolder(Path.Combine(labelerDirectory, "phrases", "unmention"));

        string[] positional = ["over the", "overly the", "in the"];
        string[] sides = ["", " superior", " left", " right"];
        var positions = positional.SelectMany(p => sides.Select(s => p + s)).ToList();
        unmentions[ChexpertObservations.Cardiomegaly] =
        [
            .. from p in positions
               from m in mentions[ChexpertObservations.Cardiomegaly]
               where m is not ("cardiomegaly" or "cardiac enlargement")
               select p + " " + m.Replace("the ", "", StringComparison.Ordinal),
        ];
        unmentions[ChexpertObservations.EnlargedCardiomediastinum] =
        [
            .. from p in positions
               from m in mentions[ChexpertObservations.EnlargedCardiomediastinum]
               select p + " " + m,
        ];
        return new ChexpertPhrases(mentions, unmentions);
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadFolder(string directory)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
            return result;
        foreach (var file in Directory.EnumerateFiles(directory, "*.txt").Order(StringComparer.Ordinal))
        {
            // A blank line would be an empty pattern that matches everywhere; the published files have none.
            result[ChexpertObservations.FromFileName(file)] = File.ReadAllLines(file)
                .Select(line => line.Trim().Replace('_', ' '))
                .Where(phrase => phrase.Length > 0)
                .ToList();
        }
        return result;
    }
}
