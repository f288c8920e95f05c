using System.Globalization;
using System.Text;
using CxrVL.Data.Manifest;

namespace CxrVL.Tasks.ZeroShot;

/// <summary>Per-image scores and the metrics of a zero-shot run.</summary>
public sealed record ZeroShotResult(
    IReadOnlyList<string> Classes,
    IReadOnlyList<ManifestRow> Rows,
    double[,] Scores,
    int[] Truth,
    int Excluded,
    ZeroShotMetrics Metrics)
{
    /// <summary>id, true class, then one score column per class.</summary>
    public string ScoresCsv()
    {
        var csv = new StringBuilder("id,truth," + string.Join(',', Classes.Select(Quote)) + "\n");
        for (var i = 0; i < Rows.Count; i++)
        {
            csv.Append(Quote(Rows[i].StudyId)).Append(',').Append(Quote(Classes[Truth[i]]));
            for (var c = 0; c < Classes.Count; c++)
                csv.Append(',').Append(Scores[i, c].ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        return csv.ToString();
    }

    private static string Quote(string value) => value.Contains(',') || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
