using System.Text.Json;
using CxrVL.Runs;

namespace CxrVL.Training;

/// <summary>Draws the loss and its terms against the optimizer step from a run's <c>metrics.jsonl</c> (PNG).</summary>
public static class LossCurvePlot
{
    /// <summary>Writes the plot; returns false (and writes nothing) when the metrics hold no logged loss.</summary>
    public static bool Write(string metricsPath, string pngPath, int width = 900, int height = 500)
    {
        var series = new SortedDictionary<string, List<(double Step, double Value)>>(StringComparer.Ordinal);
        foreach (var line in MetricsLog.Read(metricsPath))
        {
            if (!line.TryGetProperty("step", out var stepElement) || !line.TryGetProperty("loss", out _))
                continue;
            var step = stepElement.GetDouble();
            foreach (var property in line.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !IsLossTerm(property.Name))
                    continue;
                if (!series.TryGetValue(property.Name, out var points))
                    series[property.Name] = points = [];
                points.Add((step, property.Value.GetDouble()));
            }
        }
        if (series.Count == 0)
            return false;

        var plot = new ScottPlot.Plot();
        foreach (var (name, points) in series)
        {
            var scatter = plot.Add.Scatter(points.Select(p => p.Step).ToArray(), points.Select(p => p.Value).ToArray());
            scatter.LegendText = name;
            scatter.MarkerSize = points.Count > 50 ? 0 : 4;
            scatter.LineWidth = name == "loss" ? 2.5f : 1.2f;
        }
        plot.Title("training loss");
        plot.XLabel("optimizer step");
        plot.YLabel("loss");
        plot.ShowLegend();
        plot.SavePng(pngPath, width, height);
        return true;
    }

    private static bool IsLossTerm(string name) =>
        name == "loss" || name.StartsWith("loss_", StringComparison.Ordinal) || name.EndsWith("_loss", StringComparison.Ordinal);
}
