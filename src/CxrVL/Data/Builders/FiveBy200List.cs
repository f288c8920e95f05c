using System.Text.Json;

namespace CxrVL.Data.Builders;

/// <summary>One image of a published zero-shot list: the list's own key, the image path under the CheXpert root, its class.</summary>
public sealed record FiveBy200Entry(string Key, string ImagePath, string ClassName);

/// <summary>
/// A CheXpert zero-shot sample as PRIOR ships it (<c>datasets/zero_shot_classification/chexpert_5x200.json</c>): a JSON
/// object whose keys are row numbers of CheXpert's train.csv and whose values hold <c>image_path</c> (relative to the
/// CheXpert root, e.g. <c>train/patient29750/study15/view1_frontal.jpg</c>) and <c>label</c>, one value per competition
/// class in <see cref="ChexpertBuilder.CompetitionClasses"/> order. PRIOR takes the argmax as the class; the list is
/// one-hot, and anything else is an error here, so no image is silently given a class its list does not state.
/// </summary>
public static class FiveBy200List
{
    public static IReadOnlyList<FiveBy200Entry> Read(string path)
    {
        if (!File.Exists(path))
            throw new CxrVLException($"--5x200-list: '{path}' does not exist.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CxrVLException($"--5x200-list '{path}' is not JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CxrVLException($"--5x200-list '{path}': expected an object keyed by image id, as PRIOR's chexpert_5x200.json.");
            var classes = ChexpertBuilder.CompetitionClasses;
            var entries = new List<FiveBy200Entry>();
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                CxrVLException Fail(string problem) => new($"--5x200-list '{path}', entry '{entry.Name}': {problem}.");
                if (entry.Value.ValueKind != JsonValueKind.Object
                    || !entry.Value.TryGetProperty("image_path", out var image) || image.ValueKind != JsonValueKind.String)
                    throw Fail("no image_path string");
                if (!entry.Value.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.Array
                    || label.GetArrayLength() != classes.Count || label.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                    throw Fail($"label must list {classes.Count} numbers, one per class {string.Join(", ", classes)}");
                var values = label.EnumerateArray().Select(v => v.GetDouble()).ToArray();
                if (values.Count(v => v == 1) != 1 || values.Any(v => v != 0 && v != 1))
                    throw Fail($"label [{string.Join(", ", values)}] is not one-hot");
                entries.Add(new FiveBy200Entry(entry.Name, image.GetString()!.Replace('\\', '/'), classes[Array.IndexOf(values, 1.0)]));
            }
            if (entries.Count == 0)
                throw new CxrVLException($"--5x200-list '{path}' lists no image.");
            return entries;
        }
    }
}
