using System.Text.Json;
using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// R2Gen's (and XProNet's) <c>annotation.json</c> for IU X-Ray and MIMIC-CXR: <c>{"train": [...], "val": [...], "test": [...]}</c>,
/// each item <c>{"id", "report", "image_path": [...], "split"}</c> (MIMIC items also <c>study_id</c>, <c>subject_id</c>),
/// image paths relative to <c>images/</c>. The report is the findings section (studies without findings are absent).
/// </summary>
public static class R2GenAnnotation
{
    public const string FileName = "annotation.json";

    public static IEnumerable<ManifestRow> Read(string path, string dataset, BuildContext context)
    {
        using var stream = File.OpenRead(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new CxrVLException($"{path}: line {e.LineNumber + 1}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            foreach (var split in document.RootElement.EnumerateObject())
            {
                var index = 0;
                foreach (var item in split.Value.EnumerateArray())
                {
                    index++;
                    if (!item.TryGetProperty("id", out var idElement) || Text(idElement) is not { Length: > 0 } id ||
                        !item.TryGetProperty("image_path", out var paths) || paths.ValueKind != JsonValueKind.Array)
                    {
                        context.BadRow(path, index, $"item {index} of '{split.Name}' lacks 'id' or 'image_path'");
                        continue;
                    }
                    var report = item.TryGetProperty("report", out var r) ? r.GetString() : null;
                    yield return new ManifestRow
                    {
                        Dataset = dataset,
                        SubjectId = item.TryGetProperty("subject_id", out var subject) ? Text(subject)! : id.Split('_')[0],
                        StudyId = item.TryGetProperty("study_id", out var study) ? Text(study)! : id,
                        Split = ManifestSplits.Normalize(split.Name),
                        Order = 0,
                        Images = paths.EnumerateArray().Select(p => context.Image($"images/{p.GetString()}")).ToList(),
                        Report = string.IsNullOrWhiteSpace(report) ? null : new ManifestReport(Findings: report, FullText: report),
                    };
                }
            }
        }
        context.Advance();
    }

    private static string? Text(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
}
